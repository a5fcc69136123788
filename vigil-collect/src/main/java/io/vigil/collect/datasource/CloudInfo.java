package io.vigil.collect.datasource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.collect.CollectJson;
import java.util.ArrayList;
import java.util.List;

/**
 * What a cloud datasource knows of an instance beyond its status: the provider block of clmgr's document
 * ({@code return.cloud}). Never holds a credential. Immutable.
 *
 * @param driver         the provider ({@code ec2})
 * @param region         its region ({@code eu-west-1})
 * @param zone           its availability zone ({@code eu-west-1a})
 * @param instanceType   {@code t3.medium}
 * @param vpc            VPC id, or null
 * @param subnet         subnet id, or null
 * @param securityGroups security group ids
 * @param template       the image (AMI) it was launched from, or null
 * @param elasticIp      its Elastic IP (a public address owned by the account, not Amazon's pool), or null
 * @param masterTag      the value of its master tag when it has one ({@code master}, {@code slave}), else null
 */
public record CloudInfo(String driver, String region, String zone, String instanceType, String vpc, String subnet,
                        List<String> securityGroups, String template, String elasticIp, String masterTag) {

    public CloudInfo {
        securityGroups = securityGroups == null ? List.of() : List.copyOf(securityGroups);
    }

    public ObjectNode toJson() {
        ObjectNode n = CollectJson.object();
        n.put("driver", driver).put("region", region).put("zone", zone).put("instanceType", instanceType)
                .put("vpc", vpc).put("subnet", subnet);
        ArrayNode sg = n.putArray("securityGroups");
        securityGroups.forEach(sg::add);
        n.put("template", template).put("elasticIp", elasticIp).put("masterTag", masterTag);
        return n;
    }

    /** Reads {@link #toJson()}'s form; null for a missing or null node. */
    public static CloudInfo fromJson(JsonNode n) {
        if (n == null || n.isNull() || !n.isObject()) return null;
        List<String> sg = new ArrayList<>();
        n.path("securityGroups").forEach(g -> sg.add(g.asText()));
        return new CloudInfo(text(n, "driver"), text(n, "region"), text(n, "zone"), text(n, "instanceType"), text(n, "vpc"),
                text(n, "subnet"), sg, text(n, "template"), text(n, "elasticIp"), text(n, "masterTag"));
    }

    private static String text(JsonNode n, String key) {
        JsonNode v = n.get(key);
        return v == null || v.isNull() ? null : v.asText();
    }
}
