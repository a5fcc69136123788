package io.vigil.collect.datasource;

import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.DescribeInstancesRequest;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.GroupIdentifier;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.InstanceNetworkInterface;
import software.amazon.awssdk.services.ec2.model.Reservation;
import software.amazon.awssdk.services.ec2.model.Tag;

/**
 * Amazon EC2 instances as entities: one {@code DescribeInstances} call (all pages) per collection, through the AWS SDK
 * for Java v2 over the JDK's HTTP connection (no Netty or Apache client). Each instance becomes an entity of type
 * instances named by its instance id, with its private IP, its group (the {@link Ec2Settings#groupTag} tag) and its
 * {@link CloudInfo} (region, zone, type, VPC, subnet, security groups, image, Elastic IP, master tag).
 *
 * <p>Lifecycle states: {@code running} is {@code running} / {@code 000000}; {@code pending}, {@code stopping},
 * {@code stopped} and {@code shutting-down} keep their name as the state with codes {@code 400001}–{@code 400004}
 * (clmgr {@code ER0006}); a {@code terminated} instance is left out, so the diff reports it {@code deleted}.
 *
 * <p>Calls cost money: wrap it in a {@link CachedDatasource} ({@code cache}, default {@link Ec2Settings#DEFAULT_CACHE}).
 * A failed call fails the collection (the datasource's entities are kept as they were, not deleted). The secret key is
 * held by the SDK's credentials provider only: never logged, never part of an entity.
 */
public final class Ec2Datasource implements Datasource {
    private static final ExecutorService CALLS = Executors.newVirtualThreadPerTaskExecutor();

    private final String name;
    private final Ec2Settings settings;
    private final Ec2Client client;
    private final Clock clock;

    public Ec2Datasource(String name, Ec2Settings settings, Clock clock) {
        this.name = name;
        this.settings = settings;
        this.clock = clock;
        AwsCredentialsProvider credentials = settings.accessKeyId() != null
                ? StaticCredentialsProvider.create(AwsBasicCredentials.create(settings.accessKeyId(), settings.secretAccessKey()))
                : DefaultCredentialsProvider.builder().build();
        var builder = Ec2Client.builder()
                .region(Region.of(settings.region()))
                .credentialsProvider(credentials)
                .httpClient(UrlConnectionHttpClient.builder().connectionTimeout(settings.timeout())
                        .socketTimeout(settings.timeout()).build())
                .overrideConfiguration(ClientOverrideConfiguration.builder().apiCallTimeout(settings.timeout()).build());
        if (settings.endpoint() != null) builder.endpointOverride(URI.create(settings.endpoint()));
        this.client = builder.build();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public CompletionStage<List<Entity>> collect() {
        return CompletableFuture.supplyAsync(this::describe, CALLS);
    }

    private List<Entity> describe() {
        List<Filter> filters = new ArrayList<>();
        for (Map.Entry<String, String> f : settings.filters().entrySet()) {
            filters.add(Filter.builder().name(f.getKey()).values(f.getValue()).build());
        }
        DescribeInstancesRequest request = DescribeInstancesRequest.builder().filters(filters).build();
        long now = clock.millis();
        List<Entity> out = new ArrayList<>();
        for (Reservation r : client.describeInstancesPaginator(request).reservations()) {
            for (Instance i : r.instances()) {
                Entity e = entity(i, now);
                if (e != null) out.add(e);
            }
        }
        return out;
    }

    /** The entity of one instance, or null for a terminated one. */
    Entity entity(Instance i, long now) {
        String lifecycle = i.state() == null ? "unknown" : i.state().nameAsString();
        String code = switch (lifecycle) {
            case "running" -> Entity.OK;
            case "pending" -> StatusCodes.INSTANCE_PENDING;
            case "stopping" -> StatusCodes.INSTANCE_STOPPING;
            case "stopped" -> StatusCodes.INSTANCE_STOPPED;
            case "shutting-down" -> StatusCodes.INSTANCE_SHUTTING_DOWN;
            case "terminated" -> null;
            default -> StatusCodes.INSTANCE_PENDING;
        };
        if (code == null) return null;
        List<String> groups = i.securityGroups().stream().map(GroupIdentifier::groupId).toList();
        String elasticIp = null;
        for (InstanceNetworkInterface nif : i.networkInterfaces()) {
            var a = nif.association();
            // Amazon's pool says "amazon" as the owner; an Elastic IP is owned by the account
            if (a != null && a.publicIp() != null && a.ipOwnerId() != null && !"amazon".equals(a.ipOwnerId())) {
                elasticIp = a.publicIp();
                break;
            }
        }
        CloudInfo cloud = new CloudInfo("ec2", settings.region(), i.placement() == null ? null : i.placement().availabilityZone(),
                i.instanceTypeAsString(), i.vpcId(), i.subnetId(), groups, i.imageId(), elasticIp, tag(i, settings.masterTag()));
        return new Entity(EntityType.INSTANCES, i.instanceId(), i.privateIpAddress(), lifecycle, null, null, code, now, name,
                tag(i, settings.groupTag()), cloud);
    }

    private static String tag(Instance i, String key) {
        for (Tag t : i.tags()) if (key.equals(t.key())) return t.value();
        return null;
    }
}
