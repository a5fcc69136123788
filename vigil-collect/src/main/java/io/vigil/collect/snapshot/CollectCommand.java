package io.vigil.collect.snapshot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vigil.collect.CollectJson;
import io.vigil.collect.datasource.Entity;
import io.vigil.collect.datasource.EntityType;
import io.vigil.collect.datasource.StatusCodes;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The clmgr JSON command form ({@code ./vigil command '<json>'}, {@code POST /api/v1/command}), parsed and answered:
 * <pre>{"level":"instances|services","command":{"action":"heartbeat|ping|status","group":"all","type":"all"},
 *  "format":"vigil|clmgr","refresh":false}</pre>
 * <ul>
 *   <li>{@code heartbeat}: the global heartbeat; level {@code instances} is the whole document (instances and
 *       services), level {@code services} only the services.</li>
 *   <li>{@code status}: the current status of the entities of the level, from the last collection round.</li>
 *   <li>{@code ping}: collect now (a get_all), then answer as {@code status}: every entity is checked afresh.</li>
 * </ul>
 * {@code group}: {@code all}, a datasource, an entity group or an entity name. {@code type}: {@code all}, the level,
 * a service mode ({@code mariadb}) or family ({@code db}, {@code cache}, {@code proxy}); at level {@code instances} a
 * mode or family keeps the instances that host such a service (same ip). {@code format: clmgr} answers in clmgr's
 * document shape ({@link #clmgr}); Vigil's own shape is the default. Immutable.
 */
public record CollectCommand(Level level, Action action, String group, String type, boolean clmgrFormat, boolean refresh) {

    public enum Level { INSTANCES, SERVICES }

    public enum Action { HEARTBEAT, PING, STATUS }

    /** clmgr's time format: UTC, {@code 2026-12-06 22:40:05}. */
    public static final DateTimeFormatter CLMGR_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT).withZone(ZoneOffset.UTC);

    public static final String EXAMPLE = "{\"level\":\"instances\",\"command\":{\"action\":\"heartbeat\",\"group\":\"all\",\"type\":\"all\"}}";

    /**
     * Parses a command.
     *
     * @throws IllegalArgumentException naming what is wrong, with the accepted values
     */
    public static CollectCommand parse(JsonNode n) {
        if (n == null || !n.isObject()) throw new IllegalArgumentException("a command is a JSON object like " + EXAMPLE);
        for (var it = n.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!Set.of("level", "command", "format", "refresh").contains(k))
                throw new IllegalArgumentException("unknown key \"" + k + "\"; a command has level, command, format, refresh");
        }
        Level level = oneOf(Level.class, n.path("level"), "level", "instances, services");
        JsonNode cmd = n.path("command");
        if (!cmd.isObject()) throw new IllegalArgumentException("\"command\" must be an object like {\"action\":\"heartbeat\",\"group\":\"all\",\"type\":\"all\"}");
        for (var it = cmd.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!Set.of("action", "group", "type", "refresh").contains(k))
                throw new IllegalArgumentException("unknown key \"command." + k + "\"; a command has action, group, type");
        }
        Action action = oneOf(Action.class, cmd.path("action"), "command.action", "heartbeat, ping, status");
        String group = text(cmd, "group");
        String type = text(cmd, "type");
        String format = n.has("format") ? text(n, "format") : "vigil";
        if (!format.equals("vigil") && !format.equals("clmgr"))
            throw new IllegalArgumentException("\"format\" must be vigil (default) or clmgr, got \"" + format + "\"");
        boolean refresh = n.path("refresh").asBoolean(false) || cmd.path("refresh").asBoolean(false);
        return new CollectCommand(level, action, group, type.toLowerCase(Locale.ROOT), format.equals("clmgr"), refresh);
    }

    private static String text(JsonNode n, String key) {
        JsonNode v = n.get(key);
        if (v == null || v.isNull()) return "all";
        if (!v.isTextual() || v.asText().isBlank()) throw new IllegalArgumentException("\"" + key + "\" must be a name (text), got " + v);
        return v.asText();
    }

    private static <E extends Enum<E>> E oneOf(Class<E> type, JsonNode v, String key, String options) {
        if (!v.isTextual()) throw new IllegalArgumentException("\"" + key + "\" is required: one of " + options);
        try {
            return Enum.valueOf(type, v.asText().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown " + key + " \"" + v.asText() + "\"; one of " + options);
        }
    }

    /** Whether the answer needs a collection round first ({@code ping}, or {@code refresh: true}). */
    public boolean collectFirst() {
        return refresh || action == Action.PING;
    }

    /** The command's answer over the status table's entities of the round that ended at {@code roundAtMillis}. */
    public ObjectNode answer(List<Entity> entities, long roundAtMillis, long round) {
        if (clmgrFormat) return clmgr(entities, roundAtMillis);
        if (action == Action.HEARTBEAT) {
            List<Entity> of = level == Level.SERVICES ? entities.stream().filter(e -> e.type() == EntityType.SERVICES).toList() : entities;
            return GlobalHeartbeat.build(of, group, type, roundAtMillis, round);
        }
        ObjectNode doc = CollectJson.object();
        doc.put("level", wire(level)).put("action", wire(action)).put("group", group).put("type", type)
                .put("time", Instant.ofEpochMilli(roundAtMillis).toString()).put("round", round);
        ArrayNode out = doc.putArray(wire(level));
        for (Entity e : selected(entities, level)) {
            ObjectNode o = out.addObject();
            if (e.type() == EntityType.INSTANCES) {
                o.put("id", e.name()).put("ip", e.ip()).put("state", e.state()).put("code", e.code());
            } else {
                o.put("name", e.name()).put("ip", e.ip()).put("mode", e.mode()).put("state", e.state())
                        .put("status", e.status()).put("code", e.code());
            }
            o.put("time", Instant.ofEpochMilli(e.timeMillis()).toString());
        }
        return doc;
    }

    /** The entities of {@code which} level that pass the group and type filters. */
    List<Entity> selected(List<Entity> entities, Level which) {
        List<Entity> inGroup = entities.stream().filter(e -> !e.deleted() && GlobalHeartbeat.inGroup(e, group)).toList();
        if (which == Level.SERVICES) {
            String t = type.equals("all") || type.equals("services") || type.equals("service") ? "services" : type;
            return inGroup.stream().filter(e -> GlobalHeartbeat.ofType(e, t)).toList();
        }
        List<Entity> instances = inGroup.stream().filter(e -> e.type() == EntityType.INSTANCES).toList();
        if (type.equals("all") || type.equals("instances") || type.equals("instance")) return instances;
        if (type.equals("services") || type.equals("service")) return List.of();
        Set<String> hosting = new HashSet<>();
        for (Entity e : inGroup) if (e.ip() != null && GlobalHeartbeat.ofType(e, type)) hosting.add(e.ip());
        return instances.stream().filter(e -> hosting.contains(e.ip())).toList();
    }

    /**
     * clmgr's document shape: {@code command}, {@code level}, {@code group}, {@code type} echoed; {@code time} in
     * {@link #CLMGR_TIME}; {@code host} with every network interface ({@code IP}, {@code STATE}, down ones too) and
     * {@code ram}; {@code return} with the entities keyed by name ({@code [{"i-830dcde4":{…}}]}) and clmgr's codes
     * ({@link StatusCodes#clmgr}). No secret is part of any entity.
     */
    ObjectNode clmgr(List<Entity> entities, long roundAtMillis) {
        ObjectNode doc = CollectJson.object();
        doc.put("command", wire(action)).put("level", wire(level)).put("group", group).put("type", type);
        doc.put("time", CLMGR_TIME.format(Instant.ofEpochMilli(roundAtMillis)));
        doc.set("host", host());
        ObjectNode ret = doc.putObject("return");
        boolean both = action == Action.HEARTBEAT && level == Level.INSTANCES;
        if (both || level == Level.INSTANCES) {
            ArrayNode arr = ret.putArray("instances");
            for (Entity e : selected(entities, Level.INSTANCES)) {
                arr.addObject().putObject(e.name()).put("ip", e.ip()).put("state", e.state())
                        .put("code", StatusCodes.clmgr(e.code())).put("time", CLMGR_TIME.format(Instant.ofEpochMilli(e.timeMillis())));
            }
        }
        if (both || level == Level.SERVICES) {
            ArrayNode arr = ret.putArray("services");
            for (Entity e : selected(entities, Level.SERVICES)) {
                arr.addObject().putObject(e.name()).put("ip", e.ip()).put("mode", e.mode()).put("state", e.state())
                        .put("status", e.status()).put("code", StatusCodes.clmgr(e.code()))
                        .put("time", CLMGR_TIME.format(Instant.ofEpochMilli(e.timeMillis())));
            }
        }
        if (both || level == Level.INSTANCES) cloud(ret, selected(entities, Level.INSTANCES), entities);
        return doc;
    }

    /**
     * clmgr's provider block {@code return.cloud}: one entry per instance a cloud datasource describes, keyed by its
     * name, with {@code driver}, {@code region}, {@code zone}, {@code instance_type}, {@code vpc}, {@code subnet},
     * {@code security_groups}, {@code template}, {@code elastic_ip} and {@code master_status} (its master tag, else
     * {@code master} when a service on its ip is master, {@code slave} when one is slave, else {@code na}). Absent when
     * no instance has cloud details. Credentials are never part of it (a {@link io.vigil.collect.datasource.CloudInfo}
     * holds none).
     */
    private static void cloud(ObjectNode ret, List<Entity> instances, List<Entity> all) {
        ArrayNode arr = null;
        for (Entity e : instances) {
            var c = e.cloud();
            if (c == null) continue;
            if (arr == null) arr = ret.putArray("cloud");
            ObjectNode n = arr.addObject().putObject(e.name());
            n.put("driver", c.driver()).put("region", c.region()).put("zone", c.zone()).put("instance_type", c.instanceType())
                    .put("vpc", c.vpc()).put("subnet", c.subnet());
            ArrayNode sg = n.putArray("security_groups");
            c.securityGroups().forEach(sg::add);
            n.put("template", c.template()).put("elastic_ip", c.elasticIp()).put("master_status", masterStatus(e, all));
        }
    }

    private static String masterStatus(Entity instance, List<Entity> all) {
        if (instance.cloud().masterTag() != null) return instance.cloud().masterTag();
        boolean slave = false;
        for (Entity s : all) {
            if (s.type() != EntityType.SERVICES || s.deleted() || s.ip() == null || !s.ip().equals(instance.ip())) continue;
            if ("master".equalsIgnoreCase(s.status())) return "master";
            if ("slave".equalsIgnoreCase(s.status())) slave = true;
        }
        return slave ? "slave" : "na";
    }

    /** This host: name, every interface with its first IPv4 address (or null) and state, and its memory. */
    static ObjectNode host() {
        ObjectNode h = CollectJson.object();
        String name;
        try {
            name = InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            name = "localhost";
        }
        h.put("hostname", name);
        ArrayNode nics = h.putArray("interfaces");
        try {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                String ip = null;
                for (InetAddress a : Collections.list(nic.getInetAddresses())) {
                    if (a.getAddress().length == 4) {
                        ip = a.getHostAddress();
                        break;
                    }
                }
                boolean up;
                try {
                    up = nic.isUp();
                } catch (SocketException e) {
                    up = false;
                }
                nics.addObject().putObject(nic.getName()).put("IP", ip).put("STATE", up ? "UP" : "DOWN");
            }
        } catch (SocketException e) {
            // no interfaces readable: an empty list
        }
        ObjectNode ram = h.putObject("ram");
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            long total = os.getTotalMemorySize();
            long free = os.getFreeMemorySize();
            ram.put("total", total / (1024 * 1024)).put("free", free / (1024 * 1024)).put("used", (total - free) / (1024 * 1024)).put("unit", "MB");
        }
        return h;
    }

    private static String wire(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }
}
