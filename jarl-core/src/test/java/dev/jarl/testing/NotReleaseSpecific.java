/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A test class that runs no {@code erl} at all: what it proves cannot depend on the OTP
 * release under test, so it runs in the machine's own pass and is disabled, with the reason,
 * in the matrix passes (as {@link ReleaseMatrix#notReleaseSpecific()} skips single tests).
 * The class is disabled before anything of it runs: a fuzz test's corpus is not even read.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(NotReleaseSpecific.Skip.class)
public @interface NotReleaseSpecific {

    /** Disables the class, before anything of it runs, when a matrix release is under test. */
    final class Skip implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            return Otp.root() == null
                    ? ConditionEvaluationResult.enabled("the machine's own OTP")
                    : ConditionEvaluationResult.disabled("not release-specific: runs against this machine's OTP only, "
                            + "not again for " + Otp.root());
        }
    }
}
