package io.vigil.transport.kafka;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import io.vertx.core.parsetools.RecordParser;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.message.ResponseHeaderData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.ObjectSerializationCache;
import org.apache.kafka.common.requests.RequestHeader;

/**
 * A stand-in for a one-node Kafka cluster on a loopback port, for the alarm path's warm-up only
 * ({@code detection.warmUp}): it lets a {@link KafkaSink} run its own code — the producer's accumulator, idempotent
 * sequencing, request building and acknowledgement callbacks — without a real broker and without sending anything to
 * one. It speaks just what an idempotent producer needs, in the versions the client library offers: ApiVersions,
 * Metadata (every topic asked for exists with one partition led by this node), InitProducerId and Produce (every
 * batch acknowledged, nothing kept). Any other request closes the connection.
 *
 * <p>Not a broker: nothing is stored, no authentication or TLS is spoken, no limits are enforced beyond a frame's
 * size. It listens on 127.0.0.1 only and lives for one warm-up; {@link #close()} stops it.
 */
public final class LoopbackKafkaBroker implements AutoCloseable {
    private static final int NODE_ID = 0;
    private static final long PRODUCER_ID = 1;
    /** Largest request accepted: a producer's request is at most {@code max.request.size} (1 MiB by default). */
    private static final int MAX_FRAME = 64 * 1024 * 1024;
    private static final List<ApiKeys> SERVED =
            List.of(ApiKeys.API_VERSIONS, ApiKeys.METADATA, ApiKeys.INIT_PRODUCER_ID, ApiKeys.PRODUCE);

    private final NetServer server;
    private final Map<String, Uuid> topicIds = new ConcurrentHashMap<>();
    private final AtomicLong produceRequests = new AtomicLong();
    private final AtomicLong nextOffset = new AtomicLong();

    private LoopbackKafkaBroker(Vertx vertx) {
        this.server = vertx.createNetServer().connectHandler(this::connected);
    }

    /** Starts the stand-in on 127.0.0.1 and a free port. */
    public static LoopbackKafkaBroker start(Vertx vertx) {
        LoopbackKafkaBroker broker = new LoopbackKafkaBroker(vertx);
        try {
            broker.server.listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            broker.server.close();
            throw new IllegalStateException("the warm-up's loopback Kafka stand-in did not start within 10 s");
        }
        return broker;
    }

    /** {@code host:port} for a producer's {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return "127.0.0.1:" + server.actualPort();
    }

    /** Produce requests answered so far. */
    public long produceRequests() {
        return produceRequests.get();
    }

    private void connected(NetSocket socket) {
        RecordParser frames = RecordParser.newFixed(4);
        boolean[] body = {false};
        frames.handler(chunk -> {
            if (!body[0]) {
                int size = chunk.getInt(0);
                if (size <= 0 || size > MAX_FRAME) {
                    socket.close();
                    return;
                }
                body[0] = true;
                frames.fixedSizeMode(size);
                return;
            }
            body[0] = false;
            frames.fixedSizeMode(4);
            Buffer answer;
            try {
                answer = answer(ByteBuffer.wrap(chunk.getBytes()));
            } catch (RuntimeException e) { // a request this stand-in cannot read: the client reconnects or gives up
                answer = null;
            }
            if (answer == null) socket.close();
            else if (answer.length() > 0) socket.write(answer);
        });
        socket.handler(frames);
        socket.exceptionHandler(e -> socket.close());
    }

    /** The framed answer to one request; empty for a produce request without acknowledgement; null: not served. */
    private Buffer answer(ByteBuffer request) {
        RequestHeader header = RequestHeader.parse(request);
        short version = header.apiVersion();
        ByteBufferAccessor in = new ByteBufferAccessor(request);
        ApiMessage response = switch (header.apiKey()) {
            case API_VERSIONS -> apiVersions();
            case METADATA -> metadata(new MetadataRequestData(in, version));
            case INIT_PRODUCER_ID -> new InitProducerIdResponseData().setProducerId(PRODUCER_ID).setProducerEpoch((short) 0);
            case PRODUCE -> {
                ProduceRequestData produce = new ProduceRequestData(in, version);
                produceRequests.incrementAndGet();
                yield produce.acks() == 0 ? null : produced(produce);
            }
            default -> null;
        };
        if (response == null) return header.apiKey() == ApiKeys.PRODUCE ? Buffer.buffer() : null;
        return framed(header, response);
    }

    private static ApiVersionsResponseData apiVersions() {
        ApiVersionsResponseData.ApiVersionCollection keys = new ApiVersionsResponseData.ApiVersionCollection();
        for (ApiKeys k : SERVED) {
            keys.add(new ApiVersionsResponseData.ApiVersion().setApiKey(k.id)
                    .setMinVersion(k.oldestVersion()).setMaxVersion(k.latestVersion()));
        }
        return new ApiVersionsResponseData().setErrorCode((short) 0).setApiKeys(keys);
    }

    private MetadataResponseData metadata(MetadataRequestData request) {
        MetadataResponseData.MetadataResponseBrokerCollection brokers = new MetadataResponseData.MetadataResponseBrokerCollection();
        brokers.add(new MetadataResponseData.MetadataResponseBroker().setNodeId(NODE_ID).setHost("127.0.0.1")
                .setPort(server.actualPort()));
        MetadataResponseData.MetadataResponseTopicCollection topics = new MetadataResponseData.MetadataResponseTopicCollection();
        if (request.topics() != null) {
            for (MetadataRequestData.MetadataRequestTopic t : request.topics()) {
                if (t.name() == null) continue;
                topics.add(new MetadataResponseData.MetadataResponseTopic().setName(t.name())
                        .setTopicId(topicIds.computeIfAbsent(t.name(), n -> Uuid.randomUuid()))
                        .setPartitions(List.of(new MetadataResponseData.MetadataResponsePartition().setPartitionIndex(0)
                                .setLeaderId(NODE_ID).setLeaderEpoch(0).setReplicaNodes(List.of(NODE_ID))
                                .setIsrNodes(List.of(NODE_ID)))));
            }
        }
        return new MetadataResponseData().setBrokers(brokers).setClusterId("vigil-warm-up").setControllerId(NODE_ID)
                .setTopics(topics);
    }

    private ProduceResponseData produced(ProduceRequestData request) {
        ProduceResponseData.TopicProduceResponseCollection responses = new ProduceResponseData.TopicProduceResponseCollection();
        for (ProduceRequestData.TopicProduceData topic : request.topicData()) {
            List<ProduceResponseData.PartitionProduceResponse> partitions = new ArrayList<>();
            for (ProduceRequestData.PartitionProduceData p : topic.partitionData()) {
                partitions.add(new ProduceResponseData.PartitionProduceResponse().setIndex(p.index())
                        .setBaseOffset(nextOffset.getAndIncrement()).setLogAppendTimeMs(-1).setLogStartOffset(0));
            }
            responses.add(new ProduceResponseData.TopicProduceResponse().setName(topic.name()).setTopicId(topic.topicId())
                    .setPartitionResponses(partitions));
        }
        return new ProduceResponseData().setResponses(responses);
    }

    private static Buffer framed(RequestHeader request, ApiMessage response) {
        short version = request.apiVersion();
        short headerVersion = request.apiKey().responseHeaderVersion(version);
        ResponseHeaderData header = new ResponseHeaderData().setCorrelationId(request.correlationId());
        ObjectSerializationCache cache = new ObjectSerializationCache();
        int size = header.size(cache, headerVersion) + response.size(cache, version);
        ByteBuffer out = ByteBuffer.allocate(4 + size);
        out.putInt(size);
        ByteBufferAccessor writer = new ByteBufferAccessor(out);
        header.write(writer, cache, headerVersion);
        response.write(writer, cache, version);
        return Buffer.buffer(out.array());
    }

    @Override
    public void close() {
        try {
            server.close().await(10, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            // the port is released with the process at the latest
        }
    }
}
