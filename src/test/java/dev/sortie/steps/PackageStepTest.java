package dev.sortie.steps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sortie.pipeline.StepFailure;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PackageStepTest {

    @TempDir
    Path build;

    private Path jar(String relative, String mainClass) throws IOException {
        Path file = build.resolve(relative);
        Files.createDirectories(file.getParent());
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        if (mainClass != null) {
            manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, mainClass);
        }
        try (OutputStream os = Files.newOutputStream(file); JarOutputStream jar = new JarOutputStream(os, manifest)) {
            jar.putNextEntry(new JarEntry("hello.txt"));
            jar.write("hi".getBytes());
            jar.closeEntry();
        }
        return file;
    }

    @Test
    void oneJar() throws Exception {
        Path only = jar("target/app-1.0.jar", null);
        assertEquals(only, PackageStep.find(build, "target/*.jar", false));
    }

    @Test
    void sideArtifactsAreIgnored() throws Exception {
        Path app = jar("target/app-1.0.jar", null);
        jar("target/app-1.0-sources.jar", null);
        jar("target/app-1.0-javadoc.jar", null);
        jar("target/app-1.0-tests.jar", null);
        jar("target/original-app-1.0.jar", "Main");
        assertEquals(app, PackageStep.find(build, "target/*.jar", false));
    }

    @Test
    void theJarWithAMainClassWins() throws Exception {
        jar("target/app-lib.jar", null);
        Path runnable = jar("target/app-runner.jar", "com.example.Main");
        assertEquals(runnable, PackageStep.find(build, "target/*.jar", false));
    }

    @Test
    void twoRunnableJarsAreAmbiguous() throws Exception {
        jar("target/a.jar", "A");
        jar("target/b.jar", "B");
        StepFailure f = assertThrows(StepFailure.class, () -> PackageStep.find(build, "target/*.jar", false));
        assertEquals("the package step produced 2 files matching target/*.jar: [target/a.jar, target/b.jar]; "
                + "set artifact: in sortie.yml to pick one", f.getMessage());
    }

    @Test
    void configuredGlobKeepsSideArtifacts() throws Exception {
        Path plain = jar("out/original-app.jar", null);
        assertEquals(plain, PackageStep.find(build, "out/original-*.jar", true));
    }

    @Test
    void globIsRelativeToTheBuildDir() throws Exception {
        jar("other/app.jar", "Main");
        Path wanted = jar("build/libs/app.jar", "Main");
        assertEquals(wanted, PackageStep.find(build, "build/libs/*.jar", false));
    }

    @Test
    void noneFoundNamesTheArtifactKey() throws Exception {
        Files.createDirectories(build.resolve("target"));
        StepFailure f = assertThrows(StepFailure.class, () -> PackageStep.find(build, "target/*.jar", false));
        assertEquals("the package step produced no file matching target/*.jar; set artifact: in sortie.yml to say where it is",
                f.getMessage());
    }

    @Test
    void noneFoundForConfiguredGlob() {
        StepFailure f = assertThrows(StepFailure.class, () -> PackageStep.find(build, "dist/*.jar", true));
        assertTrue(f.getMessage().contains("(artifact: in sortie.yml)"), f.getMessage());
        assertTrue(f.getMessage().startsWith("the package step produced no file matching dist/*.jar"), f.getMessage());
    }

    @Test
    void onlySideArtifactsCountsAsNone() throws Exception {
        jar("target/app-sources.jar", null);
        StepFailure f = assertThrows(StepFailure.class, () -> PackageStep.find(build, "target/*.jar", false));
        assertTrue(f.getMessage().contains("artifact:"), f.getMessage());
    }
}
