package io.vigil.transport.dmaap;

/**
 * Splits a Message Router answer, a JSON array, into its items by structure alone: brackets, braces, strings and
 * their escapes, without decoding a single character. Each item can then be decoded on its own, so that one item
 * with invalid UTF-8, or one far too large, costs only itself and not the heartbeats beside it. Linear in the answer's
 * length; no allocation per item. Not thread-safe: one per answer.
 */
final class AnswerItems {
    private final byte[] body;
    private int pos;
    private int start = -1;
    private int end = -1;
    private boolean done;

    /** @throws MalformedAnswer unless {@code body} starts (after white space) with '[' */
    AnswerItems(byte[] body) throws MalformedAnswer {
        this.body = body;
        pos = skipSpace(0);
        if (pos >= body.length || body[pos] != '[') throw new MalformedAnswer("expected '['");
        pos++;
        int first = skipSpace(pos);
        if (first < body.length && body[first] == ']') {
            done = true;
            pos = first + 1;
        }
    }

    /** Moves to the next item; false at the end of the array. */
    boolean next() throws MalformedAnswer {
        if (done) return false;
        if (start >= 0) { // after an item: ',' or ']'
            pos = skipSpace(pos);
            if (pos >= body.length) throw new MalformedAnswer("array not closed");
            if (body[pos] == ']') {
                done = true;
                pos++;
                return false;
            }
            if (body[pos] != ',') throw new MalformedAnswer("expected ',' or ']' at byte " + pos);
            pos++;
        }
        pos = skipSpace(pos);
        if (pos >= body.length) throw new MalformedAnswer("array not closed");
        start = pos;
        pos = skipValue(pos);
        end = pos;
        return true;
    }

    /** The current item's first byte. */
    int start() {
        return start;
    }

    /** One past the current item's last byte. */
    int end() {
        return end;
    }

    private int skipSpace(int i) {
        while (i < body.length && (body[i] == ' ' || body[i] == '\n' || body[i] == '\r' || body[i] == '\t')) i++;
        return i;
    }

    private int skipValue(int i) throws MalformedAnswer {
        byte b = body[i];
        if (b == '"') return skipString(i);
        if (b == '{' || b == '[') {
            int depth = 0;
            while (i < body.length) {
                byte c = body[i];
                if (c == '"') {
                    i = skipString(i);
                    continue;
                }
                if (c == '{' || c == '[') depth++;
                else if ((c == '}' || c == ']') && --depth == 0) return i + 1;
                i++;
            }
            throw new MalformedAnswer("an item is not closed");
        }
        // a number, true, false or null: up to the next separator
        while (i < body.length && body[i] != ',' && body[i] != ']' && body[i] != ' ' && body[i] != '\n'
                && body[i] != '\r' && body[i] != '\t') {
            i++;
        }
        return i;
    }

    /** From the opening quote at {@code i} to one past the closing one. */
    private int skipString(int i) throws MalformedAnswer {
        for (i++; i < body.length; i++) {
            if (body[i] == '\\') i++;
            else if (body[i] == '"') return i + 1;
        }
        throw new MalformedAnswer("a string is not closed");
    }

    /** The answer's structure is broken: its items cannot be told apart. */
    static final class MalformedAnswer extends Exception {
        MalformedAnswer(String message) {
            super(message, null, false, false);
        }
    }
}
