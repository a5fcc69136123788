package io.vigil.transport.dmaap;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.fuzz.FuzzInputs;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Message Router batch parsing: any answer is split into items within its bounds or refused with
 * {@link AnswerItems.MalformedAnswer}; nothing else escapes, nothing hangs, and the split makes progress.
 */
class AnswerItemsFuzzTest {
    @Provide
    Arbitrary<byte[]> answers() {
        return FuzzInputs.of("mr");
    }

    @Property
    void anyAnswerSplitsIntoItemsOrIsMalformed(@ForAll("answers") byte[] body) {
        FuzzInputs.expectOnly(body, () -> {
            AnswerItems items = new AnswerItems(body);
            int count = 0;
            int lastEnd = -1;
            while (items.next()) {
                assertThat(items.start()).isGreaterThan(lastEnd).isLessThanOrEqualTo(items.end());
                assertThat(items.end()).isLessThanOrEqualTo(body.length);
                lastEnd = items.end() - 1;
                assertThat(++count).isLessThanOrEqualTo(body.length);
            }
        }, AnswerItems.MalformedAnswer.class);
    }
}
