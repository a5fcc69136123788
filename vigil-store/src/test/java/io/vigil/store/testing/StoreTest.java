package io.vigil.store.testing;

import org.junit.jupiter.api.TestTemplate;
import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A test that runs once on H2 and once on PostgreSQL: declare a {@link io.vigil.store.Database} parameter.
 * Each backend's database is created once per test run and emptied before every test (see {@link StoreBackends}).
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@TestTemplate
@ExtendWith(StoreBackends.class)
public @interface StoreTest {
}
