package io.vigil.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a test that compares Vigil against ONAP's recorded output ({@link OnapRecordings}): the {@code conformance}
 * group. It runs in addition to the rest of the suite where the recordings exist (CI has them) and is skipped, with
 * a message naming the folder it looked for, everywhere else. {@code -Dgroups=conformance} runs only this group.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Tag("conformance")
@ExtendWith(OnapRecordings.class)
public @interface Conformance {
}
