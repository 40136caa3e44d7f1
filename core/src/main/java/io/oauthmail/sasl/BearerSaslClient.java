package io.oauthmail.sasl;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;
import javax.security.sasl.SaslClient;
import javax.security.sasl.SaslException;

/**
 * The client side of SASL XOAUTH2 and OAUTHBEARER for Jakarta Mail's SASL support. The initial response
 * carries the token; if the server answers with a challenge instead of success, that challenge is its error
 * report (base64 JSON, already decoded here by the SASL layer): it is kept for the caller's diagnosis, and
 * answered the way each mechanism requires, an empty response for XOAUTH2 and {@code ^A} for OAUTHBEARER
 * (RFC 7628 3.2.3), so the server ends the exchange with a proper failure instead of a dropped connection.
 */
final class BearerSaslClient implements SaslClient {

    private final String mechanism;
    private final byte[] initialResponse;
    private final AtomicReference<SaslFailure> failure;
    private boolean sentInitial;
    private boolean complete;

    BearerSaslClient(String mechanism, String initialResponse, AtomicReference<SaslFailure> failure) {
        this.mechanism = mechanism;
        this.initialResponse = initialResponse.getBytes(StandardCharsets.UTF_8);
        this.failure = failure;
    }

    @Override
    public String getMechanismName() {
        return mechanism;
    }

    @Override
    public boolean hasInitialResponse() {
        return true;
    }

    @Override
    public byte[] evaluateChallenge(byte[] challenge) throws SaslException {
        if (!sentInitial) {
            sentInitial = true;
            return initialResponse.clone();
        }
        // Anything after the initial response is the server's error report.
        if (failure != null) {
            SaslFailure.fromJson(new String(challenge, StandardCharsets.UTF_8)).ifPresent(failure::set);
        }
        complete = true;
        return mechanism.equals(BearerSaslFactory.OAUTHBEARER) ? new byte[] {1} : new byte[0];
    }

    /**
     * False until a challenge was answered: Jakarta Mail evaluates a server challenge only while the client
     * says it is not complete, and the error challenge must reach {@link #evaluateChallenge}.
     */
    @Override
    public boolean isComplete() {
        return complete;
    }

    @Override
    public byte[] unwrap(byte[] incoming, int offset, int len) throws SaslException {
        throw new IllegalStateException(mechanism + " negotiates no security layer");
    }

    @Override
    public byte[] wrap(byte[] outgoing, int offset, int len) throws SaslException {
        throw new IllegalStateException(mechanism + " negotiates no security layer");
    }

    @Override
    public Object getNegotiatedProperty(String propName) {
        return null;
    }

    @Override
    public void dispose() {
        java.util.Arrays.fill(initialResponse, (byte) 0);
    }
}
