package dev.sortie.steps;

import dev.sortie.pipeline.StepId;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** How a project builds, detected from its files; gives the default argv of the build steps. Pure apart from detection. */
public enum BuildSystem {
    MAVEN,
    MAVEN_WRAPPER,
    GRADLE_WRAPPER,
    NONE;

    /**
     * A {@code pom.xml} means Maven, through {@code ./mvnw} when it is executable (the Maven version the project pinned),
     * else {@code mvn}; only without one does an executable {@code ./gradlew} mean Gradle. A repo with both (as
     * spring-petclinic ships) builds with Maven; {@code steps:} in sortie.yml chooses otherwise.
     */
    public static BuildSystem detect(Path project) {
        if (Files.isRegularFile(project.resolve("pom.xml"))) {
            return Files.isExecutable(project.resolve("mvnw")) ? MAVEN_WRAPPER : MAVEN;
        }
        if (Files.isExecutable(project.resolve("gradlew"))) {
            return GRADLE_WRAPPER;
        }
        return NONE;
    }

    /** The default argv for a build step, or empty when this build system has nothing to do for it. */
    public Optional<List<String>> command(StepId step) {
        return switch (this) {
            case MAVEN, MAVEN_WRAPPER -> {
                String mvn = this == MAVEN ? "mvn" : "./mvnw";
                yield switch (step) {
                    case DEPS -> Optional.of(List.of(mvn, "-B", "-q", "dependency:go-offline"));
                    case COMPILE -> Optional.of(List.of(mvn, "-B", "-q", "compile"));
                    case PACKAGE -> Optional.of(List.of(mvn, "-B", "-q", "package", "-DskipTests"));
                    default -> Optional.empty();
                };
            }
            case GRADLE_WRAPPER -> switch (step) {
                case DEPS -> Optional.of(List.of("./gradlew", "--no-daemon", "-q", "dependencies"));
                case COMPILE -> Optional.of(List.of("./gradlew", "--no-daemon", "-q", "classes"));
                case PACKAGE -> Optional.of(List.of("./gradlew", "--no-daemon", "-q", "assemble"));
                default -> Optional.empty();
            };
            case NONE -> Optional.empty();
        };
    }

    /** Where the package step's jar lands, as a glob relative to the project. */
    public Optional<String> artifactGlob() {
        return switch (this) {
            case MAVEN, MAVEN_WRAPPER -> Optional.of("target/*.jar");
            case GRADLE_WRAPPER -> Optional.of("build/libs/*.jar");
            case NONE -> Optional.empty();
        };
    }

    public String describe() {
        return switch (this) {
            case MAVEN -> "Maven (pom.xml)";
            case MAVEN_WRAPPER -> "Maven wrapper (mvnw)";
            case GRADLE_WRAPPER -> "Gradle wrapper (gradlew)";
            case NONE -> "no build system (no pom.xml or gradlew)";
        };
    }
}
