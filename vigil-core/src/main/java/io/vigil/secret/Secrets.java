package io.vigil.secret;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one place that decides what is a secret in text Vigil shows (status, metrics labels, logs, thread names,
 * {@code config check --json}): the credentials of a URL ({@code http://user:pass@host/…}, also in JDBC URLs), URL
 * parameters that carry passwords or tokens, and the values of headers or properties whose names say they are
 * credentials ({@code Authorization}, {@code X-Api-Key}, {@code sasl.jaas.config}, {@code ssl.key.password}, …).
 * Names are kept, values become {@link #MASK}. Stateless and thread-safe.
 */
public final class Secrets {
    /** What a secret is shown as. */
    public static final String MASK = "******";

    private static final Pattern USER_INFO = Pattern.compile("(://)[^/@?#\\s]*@");
    private static final Pattern SECRET_PARAMETER = Pattern.compile(
            "([?&;](?:password|passwd|pwd|secret|token|access_token|apikey|api_key|api-key|sig|signature)=)[^&;#\\s]*",
            Pattern.CASE_INSENSITIVE);
    private static final String[] SECRET_NAME_PARTS = {"authorization", "auth", "password", "passwd", "secret", "token",
        "cookie", "apikey", "api-key", "api_key", "jaas", "credential", "private", "signature"};

    private Secrets() {
    }

    /**
     * {@code url} with its user info and secret-bearing parameters masked: {@code http://u:p@h/x?token=t} becomes
     * {@code http://******@h/x?token=******}. Any other text is returned unchanged; null stays null.
     */
    public static String redactUrl(String url) {
        if (url == null) return null;
        String out = USER_INFO.matcher(url).replaceFirst("$1" + Matcher.quoteReplacement(MASK) + "@");
        return SECRET_PARAMETER.matcher(out).replaceAll("$1" + Matcher.quoteReplacement(MASK));
    }

    /** True when a header or property called {@code name} carries a credential, judged by its name. */
    public static boolean isSecretName(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        for (String part : SECRET_NAME_PARTS) {
            if (n.contains(part)) return true;
        }
        return false;
    }

    /** A copy of {@code map} (order kept) with the values of {@linkplain #isSecretName secret names} masked. */
    public static Map<String, String> maskValues(Map<String, String> map) {
        Map<String, String> out = new LinkedHashMap<>();
        map.forEach((k, v) -> out.put(k, isSecretName(k) ? MASK : v));
        return out;
    }
}
