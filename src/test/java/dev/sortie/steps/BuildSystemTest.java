package dev.sortie.steps;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sortie.pipeline.StepId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BuildSystemTest {

    @TempDir
    Path project;

    private void file(String name, boolean executable) throws IOException {
        Path p = Files.writeString(project.resolve(name), "x");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(executable ? "rwxr-xr-x" : "rw-r--r--"));
    }

    @Test
    void nothingIsNone() {
        assertEquals(BuildSystem.NONE, BuildSystem.detect(project));
    }

    @Test
    void pomIsMaven() throws IOException {
        file("pom.xml", false);
        assertEquals(BuildSystem.MAVEN, BuildSystem.detect(project));
    }

    @Test
    void pomWithNonExecutableMvnwIsPlainMaven() throws IOException {
        file("pom.xml", false);
        file("mvnw", false);
        assertEquals(BuildSystem.MAVEN, BuildSystem.detect(project));
    }

    @Test
    void pomWithExecutableMvnwIsMavenWrapper() throws IOException {
        file("pom.xml", false);
        file("mvnw", true);
        assertEquals(BuildSystem.MAVEN_WRAPPER, BuildSystem.detect(project));
    }

    @Test
    void executableGradlewIsGradleWrapper() throws IOException {
        file("gradlew", true);
        file("build.gradle", false);
        assertEquals(BuildSystem.GRADLE_WRAPPER, BuildSystem.detect(project));
    }

    @Test
    void nonExecutableGradlewIsNone() throws IOException {
        file("gradlew", false);
        assertEquals(BuildSystem.NONE, BuildSystem.detect(project));
    }

    @Test
    void pomWinsOverGradlew() throws IOException {
        file("pom.xml", false);
        file("gradlew", true);
        assertEquals(BuildSystem.MAVEN, BuildSystem.detect(project));
    }

    @Test
    void pomDirectoryIsNotAPom() throws IOException {
        Files.createDirectory(project.resolve("pom.xml"));
        assertEquals(BuildSystem.NONE, BuildSystem.detect(project));
    }

    @Test
    void mavenCommands() {
        assertEquals(Optional.of(List.of("mvn", "-B", "-q", "dependency:go-offline")), BuildSystem.MAVEN.command(StepId.DEPS));
        assertEquals(Optional.of(List.of("mvn", "-B", "-q", "compile")), BuildSystem.MAVEN.command(StepId.COMPILE));
        assertEquals(Optional.of(List.of("mvn", "-B", "-q", "package", "-DskipTests")), BuildSystem.MAVEN.command(StepId.PACKAGE));
    }

    @Test
    void mavenWrapperCommands() {
        assertEquals(Optional.of(List.of("./mvnw", "-B", "-q", "dependency:go-offline")), BuildSystem.MAVEN_WRAPPER.command(StepId.DEPS));
        assertEquals(Optional.of(List.of("./mvnw", "-B", "-q", "compile")), BuildSystem.MAVEN_WRAPPER.command(StepId.COMPILE));
        assertEquals(Optional.of(List.of("./mvnw", "-B", "-q", "package", "-DskipTests")), BuildSystem.MAVEN_WRAPPER.command(StepId.PACKAGE));
    }

    @Test
    void gradleWrapperCommands() {
        assertEquals(Optional.of(List.of("./gradlew", "--no-daemon", "-q", "dependencies")), BuildSystem.GRADLE_WRAPPER.command(StepId.DEPS));
        assertEquals(Optional.of(List.of("./gradlew", "--no-daemon", "-q", "classes")), BuildSystem.GRADLE_WRAPPER.command(StepId.COMPILE));
        assertEquals(Optional.of(List.of("./gradlew", "--no-daemon", "-q", "assemble")), BuildSystem.GRADLE_WRAPPER.command(StepId.PACKAGE));
    }

    @Test
    void noneHasNoCommands() {
        for (StepId step : StepId.values()) {
            assertEquals(Optional.empty(), BuildSystem.NONE.command(step), step.id());
        }
    }

    @Test
    void nonBuildStepsHaveNoCommands() {
        for (BuildSystem system : BuildSystem.values()) {
            for (StepId step : EnumSet.range(StepId.MAKE_UPGRADE_DIR, StepId.RUN_BOTS)) {
                assertEquals(Optional.empty(), system.command(step), system + " " + step);
            }
        }
    }

    @Test
    void artifactGlobs() {
        assertEquals(Optional.of("target/*.jar"), BuildSystem.MAVEN.artifactGlob());
        assertEquals(Optional.of("target/*.jar"), BuildSystem.MAVEN_WRAPPER.artifactGlob());
        assertEquals(Optional.of("build/libs/*.jar"), BuildSystem.GRADLE_WRAPPER.artifactGlob());
        assertEquals(Optional.empty(), BuildSystem.NONE.artifactGlob());
    }
}
