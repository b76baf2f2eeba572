package dev.sortie.hooks.runtime;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;

/**
 * A fresh loader per deploy for a project's compiled hooks. Its parent sees the JDK and Sortie's
 * public hooks API, nothing else of Sortie, so hook code cannot reach into Sortie's internals and
 * a later deploy never sees an earlier deploy's classes.
 */
final class HookClassLoader extends URLClassLoader {

    HookClassLoader(Path classes) throws java.net.MalformedURLException {
        super("sortie-hooks", new URL[] {classes.toUri().toURL()}, new ApiOnly(HookClassLoader.class.getClassLoader()));
    }

    /** The JDK's platform classes plus {@code dev.sortie.hooks.*} from Sortie's own loader. */
    private static final class ApiOnly extends ClassLoader {
        private final ClassLoader sortie;

        ApiOnly(ClassLoader sortie) {
            super("sortie-hooks-api", ClassLoader.getPlatformClassLoader());
            this.sortie = sortie;
        }

        @Override
        protected Class<?> findClass(String name) throws ClassNotFoundException {
            int dot = name.lastIndexOf('.');
            if (dot > 0 && name.substring(0, dot).equals(HookCompiler.API_PACKAGE)) {
                return sortie.loadClass(name);
            }
            throw new ClassNotFoundException(name);
        }
    }
}
