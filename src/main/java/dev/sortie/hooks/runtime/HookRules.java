package dev.sortie.hooks.runtime;

import dev.sortie.config.Suggestions;
import dev.sortie.hooks.DeployEnv;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.List;

/** What makes a method a usable hook: a real step in its name, public, and one of the accepted parameter lists. */
final class HookRules {

    static final String FORMS = "accepted forms: public void before_<step>() | public void before_<step>(DeployEnv env)"
            + " (static or not; the same for after_<step>)";
    static final String FAILURE_FORMS = "accepted forms: public void on_failure() | on_failure(DeployEnv env)"
            + " | on_failure(DeployEnv env, String stepId, Throwable error)";

    private HookRules() {
    }

    private static String names(Class<?>[] params) {
        return "(" + String.join(", ", Arrays.stream(params).map(Class::getSimpleName).toList()) + ")";
    }

    /** Null when {@code m} is a usable hook, else what is wrong, with the fix. */
    static String problem(Method m, List<String> stepIds) {
        String name = m.getName();
        Class<?>[] params = m.getParameterTypes();
        if (name.equals(ProjectHooks.ON_FAILURE)) {
            boolean ok = params.length == 0
                    || (params.length == 1 && params[0] == DeployEnv.class)
                    || (params.length == 3 && params[0] == DeployEnv.class && params[1] == String.class && params[2] == Throwable.class);
            if (!ok) {
                return "unusable parameters " + names(params) + "; " + FAILURE_FORMS;
            }
        } else {
            String step = name.substring(name.indexOf('_') + 1);
            if (!stepIds.contains(step)) {
                String near = Suggestions.nearest(step, stepIds);
                return "there is no step named \"" + step + "\"" + (near != null ? " (did you mean " + name.substring(0, name.indexOf('_') + 1)
                        + near + "?)" : "") + "; the steps are: " + String.join(", ", stepIds);
            }
            if (!(params.length == 0 || (params.length == 1 && params[0] == DeployEnv.class))) {
                return "unusable parameters " + names(params) + "; " + FORMS;
            }
        }
        if (!Modifier.isPublic(m.getModifiers())) {
            return "must be public; " + (name.equals(ProjectHooks.ON_FAILURE) ? FAILURE_FORMS : FORMS);
        }
        return null;
    }
}
