package io.vigil.access;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * One entry of {@code http.auth.tokens}: a named bearer token with a role. Only the SHA-256 digest of the secret is
 * kept, so the config may hold {@code sha256:<hex>} instead of the token itself; {@link #toString()} shows no secret.
 *
 * @param name   who holds the token (written to the audit log), not blank
 * @param role   what the token may do
 * @param sha256 SHA-256 of the token's UTF-8 bytes, 32 bytes
 */
public record ApiToken(String name, Role role, byte[] sha256) {
    /** Prefix of a token given as its digest: {@code sha256:} followed by 64 hex digits. */
    public static final String DIGEST_PREFIX = "sha256:";

    public ApiToken {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(role, "role");
        if (sha256 == null || sha256.length != 32) throw new IllegalArgumentException("sha256 must be 32 bytes");
        sha256 = sha256.clone();
    }

    /**
     * A token from its config spelling: {@code sha256:<64 hex digits>} (the digest of the secret), or the secret itself.
     *
     * @throws IllegalArgumentException naming the problem, when {@code spec} is blank or a malformed digest
     */
    public static ApiToken of(String name, Role role, String spec) {
        if (spec == null || spec.isBlank()) throw new IllegalArgumentException("must not be empty");
        if (spec.regionMatches(true, 0, DIGEST_PREFIX, 0, DIGEST_PREFIX.length())) {
            String hex = spec.substring(DIGEST_PREFIX.length());
            if (!hex.matches("[0-9a-fA-F]{64}"))
                throw new IllegalArgumentException("sha256: must be followed by 64 hex digits (the SHA-256 of the token "
                        + "as sha256sum prints it)");
            return new ApiToken(name, role, HexFormat.of().parseHex(hex));
        }
        if (spec.chars().anyMatch(c -> c <= ' ' || c == 0x7f))
            throw new IllegalArgumentException("must not contain spaces or control characters");
        return new ApiToken(name, role, digest(spec));
    }

    /** SHA-256 of {@code secret}'s UTF-8 bytes. */
    public static byte[] digest(String secret) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    /** {@code sha256:<hex>}: how the normalized config shows the token (never the secret). */
    public String digestSpec() {
        return DIGEST_PREFIX + HexFormat.of().formatHex(sha256);
    }

    /** Constant-time: whether {@code presentedDigest} is this token's digest. */
    public boolean matches(byte[] presentedDigest) {
        return MessageDigest.isEqual(sha256, presentedDigest);
    }

    public byte[] sha256() {
        return sha256.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ApiToken t && name.equals(t.name) && role == t.role && Arrays.equals(sha256, t.sha256);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, role, Arrays.hashCode(sha256));
    }

    @Override
    public String toString() {
        return "ApiToken[name=" + name + ", role=" + role.text() + ", token=******]";
    }
}
