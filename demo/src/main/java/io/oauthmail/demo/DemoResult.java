package io.oauthmail.demo;

import io.oauthmail.mail.MessageSummary;
import io.oauthmail.sasl.SaslFailure;
import java.util.List;

/**
 * What the demo proved, for the test that runs it: the messages bob received, how many refresh requests
 * the expired token caused at the OAuth server, and how the server refused a wrong token.
 */
record DemoResult(List<MessageSummary> received, int refreshesAfterExpiry, SaslFailure wrongTokenRefusal) {
}
