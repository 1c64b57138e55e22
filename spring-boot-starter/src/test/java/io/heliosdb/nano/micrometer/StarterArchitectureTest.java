package io.heliosdb.nano.micrometer;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** The Micrometer binder serves applications without Spring: it must not need Spring. */
@AnalyzeClasses(packages = "io.heliosdb.nano", importOptions = ImportOption.DoNotIncludeTests.class)
class StarterArchitectureTest {

  @ArchTest
  static final ArchRule micrometerBinderWithoutSpring =
      noClasses()
          .that()
          .resideInAPackage("io.heliosdb.nano.micrometer..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("org.springframework..", "io.heliosdb.nano.spring..");
}
