package dev.sortie.pipeline;

/** A pipeline context that keeps what steps return: the runner hands each step's output to it before the next step runs. */
public interface StepOutputs {

    void put(Object output);
}
