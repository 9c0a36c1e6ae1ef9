package io.cairn;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** The layers of house-style.md: dependencies point one way, from HTTP down to store and engine. */
@AnalyzeClasses(packages = "io.cairn", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {
    @ArchTest
    static final ArchRule domainDependsOnNothingOfOurs = noClasses()
            .that()
            .resideInAPackage("io.cairn.domain..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(
                    "io.cairn.http..",
                    "io.cairn.service..",
                    "io.cairn.store..",
                    "io.cairn.engine..",
                    "io.cairn.task..",
                    "io.cairn.config..");

    @ArchTest
    static final ArchRule servicesKnowNoHttp = noClasses()
            .that()
            .resideInAPackage("io.cairn.service..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("io.cairn.http..", "io.javalin..");

    @ArchTest
    static final ArchRule storeEngineAndBackupsKnowNothingAbove = noClasses()
            .that()
            .resideInAnyPackage("io.cairn.store..", "io.cairn.engine..", "io.cairn.backup..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("io.cairn.http..", "io.cairn.service..", "io.cairn.task..", "io.javalin..");

    @ArchTest
    static final ArchRule tasksKnowNoServicesOrHttp = noClasses()
            .that()
            .resideInAPackage("io.cairn.task..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("io.cairn.http..", "io.cairn.service..");

    @ArchTest
    static final ArchRule engineKnowsNoDatabase = noClasses()
            .that()
            .resideInAPackage("io.cairn.engine..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("io.cairn.store..", "org.jooq..", "java.sql..");

    /** Python emulation lives in one package, so each Python rule is written (and tested against Python) once. */
    @ArchTest
    static final ArchRule compatDependsOnlyOnDomain = classes()
            .that()
            .resideInAPackage("io.cairn.compat..")
            .should()
            .onlyDependOnClassesThat()
            .resideInAnyPackage("io.cairn.compat..", "io.cairn.domain..", "java..", "tools.jackson..");

    @ArchTest
    static final ArchRule pythonAndOsloEmulationLivesInCompat = classes()
            .that()
            .haveSimpleNameStartingWith("Python")
            .or()
            .haveSimpleNameStartingWith("Oslo")
            .should()
            .resideInAPackage("io.cairn.compat");
}
