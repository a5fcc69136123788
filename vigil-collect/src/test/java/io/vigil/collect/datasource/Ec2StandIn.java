package io.vigil.collect.datasource;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A local stand-in of the EC2 query API on 127.0.0.1: answers DescribeInstances (a form-encoded POST) with
 * DescribeInstancesResponse XML in two pages (five instances: running i-830dcde4 with an Elastic IP and tags
 * vigil:group=db, vigil:master=master; pending, stopping, stopped and terminated ones), records every request, and
 * answers an error while {@link #failWith} is set.
 */
public final class Ec2StandIn implements AutoCloseable {
    private final HttpServer api;
    private final List<Map<String, String>> requests = new CopyOnWriteArrayList<>();
    /** A non-zero HTTP status: every request is answered with it and an EC2 error body. */
    public final AtomicInteger failWith = new AtomicInteger();

    public Ec2StandIn() throws IOException {
        api = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 10);
        api.createContext("/", ex -> {
            try (ex) {
                Map<String, String> form = form(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
                requests.add(form);
                int status = failWith.get();
                if (status != 0) {
                    byte[] body = ("<Response><Errors><Error><Code>Unavailable</Code><Message>down</Message></Error></Errors>"
                            + "<RequestID>r</RequestID></Response>").getBytes(StandardCharsets.UTF_8);
                    ex.sendResponseHeaders(status, body.length);
                    ex.getResponseBody().write(body);
                    return;
                }
                String xml = form.get("NextToken") == null ? page1() : page2();
                byte[] body = xml.getBytes(StandardCharsets.UTF_8);
                ex.getResponseHeaders().add("Content-Type", "text/xml;charset=UTF-8");
                ex.sendResponseHeaders(200, body.length);
                ex.getResponseBody().write(body);
            }
        });
        api.start();
    }

    /** The endpoint override: {@code http://127.0.0.1:<port>}. */
    public String url() {
        return "http://127.0.0.1:" + api.getAddress().getPort();
    }

    /** Every request's form parameters, in arrival order. */
    public List<Map<String, String>> requests() {
        return requests;
    }

    @Override
    public void close() {
        api.stop(0);
    }

    static Map<String, String> form(String body) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        for (String pair : body.split("&")) {
            if (pair.isEmpty()) continue;
            int eq = pair.indexOf('=');
            out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return out;
    }

    private static String instance(String id, String state, int code, String ip, String extra) {
        return "<item><instanceId>" + id + "</instanceId><imageId>ami-0c55b159cbfafe1f0</imageId>"
                + "<instanceState><code>" + code + "</code><name>" + state + "</name></instanceState>"
                + "<privateIpAddress>" + ip + "</privateIpAddress><instanceType>t3.medium</instanceType>"
                + "<placement><availabilityZone>eu-west-1a</availabilityZone></placement>"
                + "<subnetId>subnet-0a1b2c3d</subnetId><vpcId>vpc-0a1b2c3d</vpcId>"
                + "<groupSet><item><groupId>sg-0db5e1f2</groupId><groupName>db</groupName></item>"
                + "<item><groupId>sg-0ssh1234</groupId><groupName>ssh</groupName></item></groupSet>" + extra + "</item>";
    }

    private static String page1() {
        return """
                <?xml version="1.0" encoding="UTF-8"?>
                <DescribeInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
                  <requestId>req-1</requestId>
                  <reservationSet><item><reservationId>r-1</reservationId><ownerId>123456789012</ownerId><instancesSet>
                """ + instance("i-830dcde4", "running", 16, "10.0.0.5",
                "<ipAddress>52.18.40.7</ipAddress><networkInterfaceSet><item><association><publicIp>52.18.40.7</publicIp>"
                        + "<ipOwnerId>123456789012</ipOwnerId></association></item></networkInterfaceSet>"
                        + "<tagSet><item><key>vigil:group</key><value>db</value></item>"
                        + "<item><key>vigil:master</key><value>master</value></item></tagSet>")
                + instance("i-1pending", "pending", 0, "10.0.0.6",
                "<networkInterfaceSet><item><association><publicIp>3.3.3.3</publicIp><ipOwnerId>amazon</ipOwnerId>"
                        + "</association></item></networkInterfaceSet>")
                + """
                  </instancesSet></item></reservationSet>
                  <nextToken>page-2</nextToken>
                </DescribeInstancesResponse>
                """;
    }

    private static String page2() {
        return """
                <?xml version="1.0" encoding="UTF-8"?>
                <DescribeInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
                  <requestId>req-2</requestId>
                  <reservationSet><item><reservationId>r-2</reservationId><ownerId>123456789012</ownerId><instancesSet>
                """ + instance("i-2stopping", "stopping", 64, "10.0.0.7", "")
                + instance("i-3stopped", "stopped", 80, "10.0.0.8", "")
                + instance("i-4terminated", "terminated", 48, "10.0.0.9", "")
                + """
                  </instancesSet></item></reservationSet>
                </DescribeInstancesResponse>
                """;
    }
}
