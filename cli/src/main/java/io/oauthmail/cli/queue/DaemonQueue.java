package io.oauthmail.cli.queue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.oauthmail.server.ControlClient;
import io.oauthmail.server.relay.QueueJson;
import io.oauthmail.server.relay.RelayQueue.Entry;
import io.oauthmail.server.relay.RelayQueue.MessageId;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The queue a running daemon holds, through the control socket's {@code /queue} routes. */
final class DaemonQueue implements QueueAccess {

    static final String PATH = "/queue";

    private final ControlClient client;
    private final QueueJson json = new QueueJson();

    DaemonQueue(ControlClient client) {
        this.client = client;
    }

    @Override
    public List<Entry> list() throws IOException {
        List<Entry> entries = new ArrayList<>();
        for (String line : expect(client.get(PATH), 200).body().split("\n")) {
            if (!line.isBlank()) {
                entries.add(json.read(line));
            }
        }
        return entries;
    }

    @Override
    public Optional<Entry> find(MessageId id) throws IOException {
        return entry(client.get(PATH + "/" + id));
    }

    @Override
    public byte[] content(MessageId id) throws IOException {
        return client.bytes(PATH + "/" + id + "/content");
    }

    @Override
    public Optional<Entry> retry(MessageId id) throws IOException {
        return entry(client.request("POST", PATH + "/" + id + "/retry"));
    }

    @Override
    public RetriedAll retryAll() throws IOException {
        JsonNode answer = new ObjectMapper().readTree(expect(client.request("POST", PATH + "/retry"), 200).body());
        return new RetriedAll(answer.path("moved").asInt(), answer.path("held").asLong());
    }

    @Override
    public Deleted delete(MessageId id) throws IOException {
        ControlClient.Answer answer = client.request("DELETE", PATH + "/" + id);
        if (answer.code() == 409) {
            Optional<String> host = find(id).flatMap(Entry::leasedBy);
            return new Deleted(Optional.empty(), Optional.of(host.orElse("a delivery worker")));
        }
        return new Deleted(entry(answer), Optional.empty());
    }

    @Override
    public void close() {
        // one connection per request: nothing stays open
    }

    private Optional<Entry> entry(ControlClient.Answer answer) throws IOException {
        return answer.code() == 404 ? Optional.empty() : Optional.of(json.read(expect(answer, 200).body().strip()));
    }

    private static ControlClient.Answer expect(ControlClient.Answer answer, int code) throws IOException {
        if (answer.code() != code) {
            throw new IOException("oauthmail serve answered " + answer.code() + ": " + answer.body().strip());
        }
        return answer;
    }
}
