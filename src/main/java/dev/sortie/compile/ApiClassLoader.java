package dev.sortie.compile;

import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Set;

/**
 * A fresh loader for compiled project code (hooks, bot trees). Its parent sees the JDK and the
 * named Sortie API packages, nothing else of Sortie, so project code cannot reach into Sortie's
 * internals and a later load never sees an earlier load's classes.
 */
public final class ApiClassLoader extends URLClassLoader {

    public ApiClassLoader(String name, Path classes, Set<String> apiPackages) throws MalformedURLException {
        super(name, new URL[] {classes.toUri().toURL()}, new ApiOnly(name + "-api", ApiClassLoader.class.getClassLoader(), apiPackages));
    }

    /** The JDK's platform classes plus the API packages from Sortie's own loader. */
    private static final class ApiOnly extends ClassLoader {
        private final ClassLoader sortie;
        private final Set<String> packages;

        ApiOnly(String name, ClassLoader sortie, Set<String> packages) {
            super(name, ClassLoader.getPlatformClassLoader());
            this.sortie = sortie;
            this.packages = Set.copyOf(packages);
        }

        @Override
        protected Class<?> findClass(String name) throws ClassNotFoundException {
            int dot = name.lastIndexOf('.');
            if (dot > 0 && packages.contains(name.substring(0, dot))) {
                return sortie.loadClass(name);
            }
            throw new ClassNotFoundException(name);
        }
    }
}
