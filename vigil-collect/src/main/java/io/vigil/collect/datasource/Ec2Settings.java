package io.vigil.collect.datasource;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * How an {@code ec2} datasource calls Amazon EC2 (docs/collect.md).
 *
 * @param region          the region to list ({@code eu-west-1}); required
 * @param endpoint        an endpoint override (a VPC endpoint, a test stand-in), or null for the region's
 * @param accessKeyId     static credentials, or null for the SDK's default chain (environment, profile, instance role)
 * @param secretAccessKey the secret of {@code accessKeyId}; never logged or shown
 * @param filters         DescribeInstances filters, name to value ({@code tag:cluster: db}); empty: every instance
 * @param masterTag       the tag whose value is an instance's master status ({@code master} / {@code slave})
 * @param groupTag        the tag whose value is an instance's group
 * @param timeout         the longest one call (all pages) may take
 */
public record Ec2Settings(String region, String endpoint, String accessKeyId, String secretAccessKey,
                          Map<String, String> filters, String masterTag, String groupTag, Duration timeout) {
    public static final String DEFAULT_MASTER_TAG = "vigil:master";
    public static final String DEFAULT_GROUP_TAG = "vigil:group";
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(20);
    /** The cache of an ec2 datasource when the config gives none: DescribeInstances costs money per call. */
    public static final Duration DEFAULT_CACHE = Duration.ofSeconds(60);

    public Ec2Settings {
        Objects.requireNonNull(region, "region");
        filters = filters == null ? Map.of() : Map.copyOf(filters);
        if (masterTag == null) masterTag = DEFAULT_MASTER_TAG;
        if (groupTag == null) groupTag = DEFAULT_GROUP_TAG;
        if (timeout == null) timeout = DEFAULT_TIMEOUT;
    }

    @Override
    public String toString() {
        return "Ec2Settings[region=" + region + ", endpoint=" + endpoint + ", accessKeyId=" + accessKeyId
                + ", secretAccessKey=" + (secretAccessKey == null ? "none" : "******") + ", filters=" + filters + "]";
    }
}
