package io.heliosdb.nano.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The front ends of the server module (command line, PostgreSQL wire, HTTP) sit on the API and
 * session layers: they never reach into notify or engine (DESIGN.md section 2). What the wire
 * server and the HTTP gateway share (the throttle of failed authentications) lives in {@code
 * io.heliosdb.nano.net}, which both may use and which uses neither.
 */
@AnalyzeClasses(packages = "io.heliosdb.nano", importOptions = ImportOption.DoNotIncludeTests.class)
class ServerArchitectureTest {

  @ArchTest
  static final ArchRule frontEndsStayAboveTheSessionLayer =
      noClasses()
          .that()
          .resideInAnyPackage(
              "io.heliosdb.nano.cli..",
              "io.heliosdb.nano.wire..",
              "io.heliosdb.nano.http..",
              "io.heliosdb.nano.net..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("io.heliosdb.nano.notify..", "io.heliosdb.nano.engine..");

  /** The HTTP gateway and the wire server are siblings: neither uses the other or the CLI. */
  @ArchTest
  static final ArchRule httpAndWireAreIndependent =
      noClasses()
          .that()
          .resideInAPackage("io.heliosdb.nano.http..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("io.heliosdb.nano.wire..", "io.heliosdb.nano.cli..");

  @ArchTest
  static final ArchRule wireDoesNotUseHttp =
      noClasses()
          .that()
          .resideInAPackage("io.heliosdb.nano.wire..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("io.heliosdb.nano.http..");

  /** The shared front-end infrastructure is below both front ends and the command line. */
  @ArchTest
  static final ArchRule netUsesNoFrontEnd =
      noClasses()
          .that()
          .resideInAPackage("io.heliosdb.nano.net..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "io.heliosdb.nano.wire..", "io.heliosdb.nano.http..", "io.heliosdb.nano.cli..");

  /** The command line starts the wire server; the wire server knows nothing of the command line. */
  @ArchTest
  static final ArchRule wireDoesNotDependOnTheCommandLine =
      noClasses()
          .that()
          .resideInAPackage("io.heliosdb.nano.wire..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("io.heliosdb.nano.cli..");

  /**
   * The wire server's subpackages (messages, types, auth, sql, limits) are below the server and its
   * sessions in {@code io.heliosdb.nano.wire}: they never use it, so a change to a session cannot
   * reach into how bytes, types or logins are handled.
   */
  @ArchTest
  static final ArchRule wireSubpackagesDoNotUseTheServer =
      noClasses()
          .that()
          .resideInAnyPackage(
              "io.heliosdb.nano.wire.messages..",
              "io.heliosdb.nano.wire.types..",
              "io.heliosdb.nano.wire.auth..",
              "io.heliosdb.nano.wire.sql..",
              "io.heliosdb.nano.wire.limits..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("io.heliosdb.nano.wire");

  /** Types and limits are the bottom of the wire server: they use no other part of it. */
  @ArchTest
  static final ArchRule wireTypesAndLimitsUseNoOtherWirePackage =
      noClasses()
          .that()
          .resideInAnyPackage("io.heliosdb.nano.wire.types..", "io.heliosdb.nano.wire.limits..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "io.heliosdb.nano.wire",
              "io.heliosdb.nano.wire.messages..",
              "io.heliosdb.nano.wire.auth..",
              "io.heliosdb.nano.wire.sql..");

  /** Messages know no login and no SQL: auth and sql use them, not the reverse. */
  @ArchTest
  static final ArchRule wireMessagesUseNeitherAuthNorSql =
      noClasses()
          .that()
          .resideInAPackage("io.heliosdb.nano.wire.messages..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("io.heliosdb.nano.wire.auth..", "io.heliosdb.nano.wire.sql..");

  @ArchTest
  static final ArchRule wireSubpackagesAreFreeOfCycles =
      slices().matching("io.heliosdb.nano.wire.(*)..").should().beFreeOfCycles();

  @ArchTest
  static final ArchRule noConsolePrintingOutsideMain =
      noClasses()
          .that()
          .resideInAnyPackage(
              "io.heliosdb.nano.cli..",
              "io.heliosdb.nano.wire..",
              "io.heliosdb.nano.http..",
              "io.heliosdb.nano.net..")
          .and()
          .doNotHaveSimpleName("Main")
          .should()
          .accessField(System.class, "out")
          .orShould()
          .accessField(System.class, "err");
}
