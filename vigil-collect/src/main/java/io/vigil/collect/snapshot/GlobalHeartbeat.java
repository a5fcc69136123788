package io.vigil.collect.snapshot;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.collect.CollectJson;
import io.vigil.collect.datasource.Entity;
import io.vigil.collect.datasource.EntityType;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.time.Instant;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Builds the global heartbeat document (docs/collect.md):
 * <pre>{"time","round","hostname","interfaces":[{"name","addresses":[...]}],
 *  "instances_status":{"instances":[{"id","ip","state"}]},
 *  "services_status":{"services":[{"code","ip","mode","name","state","status","time"}]}}</pre>
 * with the filters of the command form: {@code group} ({@code all}, or a datasource or entity group name) and
 * {@code type} ({@code all}, {@code instances}, {@code services}, a service mode such as {@code mariadb}, or a
 * family: {@code db}, {@code cache}, {@code proxy}). A mode or family filter keeps only services. Stateless.
 */
public final class GlobalHeartbeat {
    /** Service families the {@code type} filter understands besides exact modes. */
    static final Map<String, Set<String>> FAMILIES = Map.of(
            "db", Set.of("mariadb", "mysql", "galera", "postgresql", "postgres", "db"),
            "cache", Set.of("memcache", "memcached", "redis", "cache"),
            "proxy", Set.of("mysql-proxy", "haproxy", "keepalived", "proxysql", "proxy"));

    private GlobalHeartbeat() {
    }

    public static ObjectNode build(Collection<Entity> entities, String group, String type, long roundAtMillis, long round) {
        String g = group == null || group.isBlank() ? "all" : group;
        String t = type == null || type.isBlank() ? "all" : type.toLowerCase(Locale.ROOT);
        ObjectNode doc = CollectJson.object();
        doc.put("time", Instant.ofEpochMilli(roundAtMillis).toString());
        doc.put("round", round);
        doc.put("group", g);
        doc.put("type", t);
        doc.put("hostname", hostname());
        doc.set("interfaces", interfaces());
        ArrayNode instances = doc.putObject("instances_status").putArray("instances");
        ArrayNode services = doc.putObject("services_status").putArray("services");
        for (Entity e : entities) {
            if (!inGroup(e, g) || !ofType(e, t)) continue;
            if (e.type() == EntityType.INSTANCES) {
                instances.addObject().put("id", e.name()).put("ip", e.ip()).put("state", e.state());
            } else {
                services.addObject().put("code", e.code()).put("ip", e.ip()).put("mode", e.mode()).put("name", e.name())
                        .put("state", e.state()).put("status", e.status()).put("time", Instant.ofEpochMilli(e.timeMillis()).toString());
            }
        }
        return doc;
    }

    static boolean inGroup(Entity e, String group) {
        return group.equals("all") || group.equals(e.datasource()) || group.equals(e.group()) || group.equals(e.name());
    }

    static boolean ofType(Entity e, String type) {
        return switch (type) {
            case "all" -> true;
            case "instances", "instance" -> e.type() == EntityType.INSTANCES;
            case "services", "service" -> e.type() == EntityType.SERVICES;
            default -> e.type() == EntityType.SERVICES && e.mode() != null
                    && (type.equalsIgnoreCase(e.mode()) || FAMILIES.getOrDefault(type, Set.of()).contains(e.mode().toLowerCase(Locale.ROOT)));
        };
    }

    private static String hostname() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "localhost";
        }
    }

    private static ArrayNode interfaces() {
        ArrayNode out = CollectJson.MAPPER.createArrayNode();
        List<NetworkInterface> nics;
        try {
            nics = Collections.list(NetworkInterface.getNetworkInterfaces());
        } catch (SocketException e) {
            return out;
        }
        for (NetworkInterface nic : nics) {
            try {
                if (!nic.isUp()) continue;
            } catch (SocketException e) {
                continue;
            }
            ObjectNode n = out.addObject().put("name", nic.getName());
            ArrayNode addrs = n.putArray("addresses");
            for (InetAddress a : Collections.list(nic.getInetAddresses())) {
                String s = a.getHostAddress();
                int zone = s.indexOf('%');
                addrs.add(zone < 0 ? s : s.substring(0, zone));
            }
        }
        return out;
    }
}
