package io.heliosdb.nano.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The front ends of the server module (command line now; wire and HTTP later) sit on the API and
 * session layers: they never reach into notify or engine (DESIGN.md section 2).
 */
@AnalyzeClasses(packages = "io.heliosdb.nano", importOptions = ImportOption.DoNotIncludeTests.class)
class ServerArchitectureTest {

  @ArchTest
  static final ArchRule frontEndsStayAboveTheSessionLayer =
      noClasses()
          .that()
          .resideInAPackage("io.heliosdb.nano.cli..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("io.heliosdb.nano.notify..", "io.heliosdb.nano.engine..");

  @ArchTest
  static final ArchRule noConsolePrintingOutsideMain =
      noClasses()
          .that()
          .resideInAPackage("io.heliosdb.nano.cli..")
          .and()
          .doNotHaveSimpleName("Main")
          .should()
          .accessField(System.class, "out")
          .orShould()
          .accessField(System.class, "err");
}
