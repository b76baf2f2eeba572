package dev.sortie.hooks.runtime;

import dev.sortie.compile.ApiClassLoader;
import dev.sortie.config.Durations;
import dev.sortie.hooks.DeployEnv;
import dev.sortie.hooks.HookException;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A project's hooks, loaded for one deploy: the validated {@code before_<step>}, {@code after_<step>}
 * and {@code on_failure} methods of its UpgradeHooks class, and how to call them safely.
 */
public final class ProjectHooks {

    public static final String ON_FAILURE = "on_failure";
    private static final int FRAMES_SHOWN = 6;

    /** No UpgradeHooks.java: every call is a no-op. */
    public static final ProjectHooks NONE = new ProjectHooks("UpgradeHooks", Map.of(), null, Set.of());

    private final String simpleName;
    private final Map<String, Method> methods;
    private final Object instance;
    private final Set<String> ownClasses;

    private ProjectHooks(String simpleName, Map<String, Method> methods, Object instance, Set<String> ownClasses) {
        this.simpleName = simpleName;
        this.methods = methods;
        this.instance = instance;
        this.ownClasses = ownClasses;
    }

    /**
     * Loads compiled hooks in a fresh class loader and checks every hook-like method.
     *
     * @param stepIds the pipeline's step ids, in order
     */
    public static ProjectHooks load(HookCache.Entry entry, List<String> stepIds) throws HookCompileException, IOException {
        var loader = new ApiClassLoader("sortie-hooks", entry.classes(), Set.of(HookCompiler.API_PACKAGE));
        Class<?> type;
        try {
            type = loader.loadClass(entry.className());
        } catch (ClassNotFoundException | LinkageError e) {
            throw new HookCompileException("cannot load " + entry.className() + ": " + e, List.of());
        }
        String simple = type.getSimpleName();
        List<String> problems = new ArrayList<>();
        Map<String, Method> hooks = new LinkedHashMap<>();
        for (Method m : type.getDeclaredMethods()) {
            String name = m.getName();
            if (m.isSynthetic() || !(name.startsWith("before_") || name.startsWith("after_") || name.equals(ON_FAILURE))) {
                continue;
            }
            String problem = HookRules.problem(m, stepIds);
            if (problem == null && hooks.containsKey(name)) {
                problem = "defined more than once; keep one (" + HookRules.FORMS + ")";
                hooks.remove(name);
            }
            if (problem != null) {
                problems.add(simple + "." + name + ": " + problem);
            } else {
                m.setAccessible(true); // a public static hook in a non-public class is fine, but not reachable without this
                hooks.put(name, m);
            }
        }
        boolean needsInstance = hooks.values().stream().anyMatch(m -> !Modifier.isStatic(m.getModifiers()));
        if (needsInstance && !Modifier.isPublic(type.getModifiers())) {
            problems.add(simple + ": the class must be public to call its instance methods (or make the hooks static)");
        }
        problems.sort(null); // reflection returns methods in no particular order
        if (!problems.isEmpty()) {
            throw new HookCompileException(simple + " has " + problems.size() + (problems.size() == 1 ? " unusable hook" : " unusable hooks"),
                    problems);
        }
        Object instance = null;
        if (needsInstance) {
            try {
                instance = type.getConstructor().newInstance();
            } catch (NoSuchMethodException e) {
                throw new HookCompileException(simple + " needs a public no-argument constructor for its instance methods", List.of());
            } catch (InvocationTargetException e) {
                throw new HookCompileException(simple + "'s constructor threw " + describe(e.getCause()), List.of());
            } catch (ReflectiveOperationException e) {
                throw new HookCompileException("cannot create " + simple + ": " + e, List.of());
            }
        }
        return new ProjectHooks(simple, inRunOrder(hooks, stepIds), instance, classNames(entry.classes()));
    }

    /** The hook names found, in the order they run. */
    public List<String> names() {
        return List.copyOf(methods.keySet());
    }

    private static Map<String, Method> inRunOrder(Map<String, Method> hooks, List<String> stepIds) {
        Map<String, Method> ordered = new LinkedHashMap<>();
        for (String step : stepIds) {
            for (String when : List.of("before_", "after_")) {
                if (hooks.containsKey(when + step)) {
                    ordered.put(when + step, hooks.get(when + step));
                }
            }
        }
        if (hooks.containsKey(ON_FAILURE)) {
            ordered.put(ON_FAILURE, hooks.get(ON_FAILURE));
        }
        return Collections.unmodifiableMap(ordered);
    }

    public String className() {
        return simpleName;
    }

    public boolean has(String hook) {
        return methods.containsKey(hook);
    }

    /** Calls a hook if the project defines it. */
    public void call(String hook, DeployEnv env, Duration timeout) throws HookFailed {
        Method m = methods.get(hook);
        if (m != null) {
            invoke(hook, m, timeout, switch (m.getParameterCount()) {
                case 0 -> new Object[0];
                default -> new Object[] {env};
            });
        }
    }

    /** Calls {@code on_failure} if the project defines it. */
    public void onFailure(DeployEnv env, String stepId, Throwable error, Duration timeout) throws HookFailed {
        Method m = methods.get(ON_FAILURE);
        if (m != null) {
            invoke(ON_FAILURE, m, timeout, switch (m.getParameterCount()) {
                case 0 -> new Object[0];
                case 1 -> new Object[] {env};
                default -> new Object[] {env, stepId, error};
            });
        }
    }

    private void invoke(String hook, Method m, Duration timeout, Object[] args) throws HookFailed {
        Object target = Modifier.isStatic(m.getModifiers()) ? null : instance;
        FutureTask<Object> task = new FutureTask<>(() -> m.invoke(target, args));
        Thread thread = Thread.ofPlatform().daemon().name("hook-" + hook).unstarted(task);
        thread.setContextClassLoader(m.getDeclaringClass().getClassLoader());
        thread.start();
        try {
            task.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            List<String> stuckAt = frames(thread.getStackTrace()); // before the interrupt unwinds the hook's stack
            thread.interrupt();
            throw new HookFailed(hook + " did not finish within " + Durations.format(timeout) + " (hooks.timeout in sortie.yml sets the limit)",
                    stuckAt, null);
        } catch (InterruptedException e) {
            thread.interrupt();
            Thread.currentThread().interrupt();
            throw new HookFailed(hook + " was interrupted", List.of(), e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() instanceof InvocationTargetException ite ? ite.getCause() : e.getCause();
            String hint = cause instanceof UnsupportedOperationException
                    ? " (the deploy environment is read-only: a hook cannot change the deploy)" : "";
            throw new HookFailed(hook + " failed: " + describe(cause) + hint, frames(cause.getStackTrace()), cause);
        }
    }

    private List<String> frames(StackTraceElement[] trace) {
        return Stream.of(trace)
                .filter(f -> ownClasses.contains(f.getClassName()))
                .limit(FRAMES_SHOWN)
                .map(f -> "at " + f.getClassName() + "." + f.getMethodName() + "(" + f.getFileName() + ":" + f.getLineNumber() + ")")
                .toList();
    }

    static String describe(Throwable t) {
        if (t instanceof HookException) {
            return t.getMessage();
        }
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }

    private static Set<String> classNames(Path classes) throws IOException {
        try (Stream<Path> walk = Files.walk(classes)) {
            return walk.filter(p -> p.toString().endsWith(".class"))
                    .map(p -> classes.relativize(p).toString().replaceFirst("\\.class$", "").replace('/', '.'))
                    .collect(Collectors.toUnmodifiableSet());
        }
    }
}
