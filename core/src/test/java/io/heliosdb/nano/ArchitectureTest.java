package io.heliosdb.nano;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The layers of DESIGN.md section 2: api -> session -> notify -> engine, each calling only
 * downward; federation sits between session and notify (what the cross-process relay is for
 * processes, it is for nodes). config, metrics and error are shared by every layer and depend on
 * none of them.
 */
@AnalyzeClasses(packages = "io.heliosdb.nano", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

  @ArchTest
  static final ArchRule layersCallOnlyDownward =
      layeredArchitecture()
          .consideringOnlyDependenciesInLayers()
          .layer("api")
          .definedBy("io.heliosdb.nano")
          .layer("session")
          .definedBy("io.heliosdb.nano.session..")
          .layer("federation")
          .definedBy("io.heliosdb.nano.federation..")
          .layer("notify")
          .definedBy("io.heliosdb.nano.notify..")
          .layer("engine")
          .definedBy("io.heliosdb.nano.engine..")
          .layer("shared")
          .definedBy(
              "io.heliosdb.nano.config..", "io.heliosdb.nano.metrics..", "io.heliosdb.nano.error..")
          .whereLayer("api")
          .mayNotBeAccessedByAnyLayer()
          .whereLayer("session")
          .mayOnlyBeAccessedByLayers("api")
          .whereLayer("federation")
          .mayOnlyBeAccessedByLayers("session", "api")
          .whereLayer("notify")
          .mayOnlyBeAccessedByLayers("federation", "session", "api")
          .whereLayer("engine")
          .mayOnlyBeAccessedByLayers("federation", "notify", "session");

  @ArchTest
  static final ArchRule notifyKnowsNoSql =
      noClasses()
          .that()
          .resideInAPackage("io.heliosdb.nano.notify..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("java.sql..", "org.sqlite..");

  @ArchTest
  static final ArchRule noConsoleOutput =
      noClasses()
          .should()
          .accessField(System.class, "out")
          .orShould()
          .accessField(System.class, "err");

  /** Logging goes through SLF4J; java.sql.Driver's getParentLogger() signature is the exception. */
  @ArchTest
  static final ArchRule noJulLogging =
      noClasses()
          .that()
          .doNotHaveSimpleName("HeliosDriver")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("java.util.logging..");
}
