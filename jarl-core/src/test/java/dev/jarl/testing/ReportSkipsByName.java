/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.testing;

import java.lang.reflect.Method;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.InvocationInterceptor;
import org.junit.jupiter.api.extension.ReflectiveInvocationContext;
import org.opentest4j.TestAbortedException;

/**
 * Makes a test class that is skipped in its {@code @BeforeAll} (for example by
 * {@link Otp#requireErl()} where there is no Erlang) report each of its tests as skipped, by
 * name, with the reason. Without it JUnit reports only the class as aborted, and Surefire's
 * reports then list no test of it at all: nobody could tell from them which tests did not
 * run, or why.
 *
 * <p>The skip is remembered instead of ending the class: the class's other {@code @BeforeAll}
 * methods and every {@code @BeforeEach} and {@code @AfterEach} are left out, and each test
 * is aborted with the same message. {@code @AfterAll} methods run, as JUnit runs them after
 * a failed {@code @BeforeAll}. Registered for every test class through JUnit's extension
 * auto-detection ({@code META-INF/services}, enabled in the root POM's Surefire settings).
 */
public final class ReportSkipsByName implements InvocationInterceptor {

    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(ReportSkipsByName.class);
    private static final String SKIPPED = "skipped in @BeforeAll";

    /** The skip of this class (or an enclosing one), if its {@code @BeforeAll} was skipped. */
    private static TestAbortedException skipped(ExtensionContext context) {
        return context.getStore(NS).get(SKIPPED, TestAbortedException.class);
    }

    @Override
    public void interceptBeforeAllMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> call,
            ExtensionContext context) throws Throwable {
        if (skipped(context) != null) {
            invocation.skip();
            return;
        }
        try {
            invocation.proceed();
        } catch (TestAbortedException e) {
            context.getStore(NS).put(SKIPPED, e);
        }
    }

    @Override
    public void interceptBeforeEachMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> call,
            ExtensionContext context) throws Throwable {
        proceedUnlessSkipped(invocation, context);
    }

    @Override
    public void interceptAfterEachMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> call,
            ExtensionContext context) throws Throwable {
        proceedUnlessSkipped(invocation, context);
    }

    @Override
    public void interceptTestMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> call,
            ExtensionContext context) throws Throwable {
        abortIfSkipped(invocation, context);
    }

    @Override
    public void interceptTestTemplateMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> call,
            ExtensionContext context) throws Throwable {
        abortIfSkipped(invocation, context);
    }

    @Override
    public <T> T interceptTestFactoryMethod(Invocation<T> invocation, ReflectiveInvocationContext<Method> call,
            ExtensionContext context) throws Throwable {
        TestAbortedException skip = skipped(context);
        if (skip != null) {
            invocation.skip();
            throw new TestAbortedException(skip.getMessage(), skip);
        }
        return invocation.proceed();
    }

    private static void proceedUnlessSkipped(Invocation<Void> invocation, ExtensionContext context) throws Throwable {
        if (skipped(context) != null) {
            invocation.skip();
        } else {
            invocation.proceed();
        }
    }

    private static void abortIfSkipped(Invocation<Void> invocation, ExtensionContext context) throws Throwable {
        TestAbortedException skip = skipped(context);
        if (skip != null) {
            invocation.skip();
            throw new TestAbortedException(skip.getMessage(), skip);
        }
        invocation.proceed();
    }
}
