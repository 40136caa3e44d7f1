package io.oauthmail.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

/** Which earlier leases a daemon starting after a crash may end itself: its own host's, of processes that are gone. */
class RelayServiceTest {

    @Test
    void onlyAGoneProcessOfThisHostCountsAsDead() throws Exception {
        String host = System.getenv("HOSTNAME") != null && !System.getenv("HOSTNAME").isBlank()
                ? System.getenv("HOSTNAME") : InetAddress.getLocalHost().getHostName();
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        assertThat(RelayService.deadProcessOfThisHost(host + "-" + gone.pid())).isTrue();
        assertThat(RelayService.deadProcessOfThisHost(host + "-" + ProcessHandle.current().pid())).as("itself").isFalse();
        assertThat(RelayService.deadProcessOfThisHost(host + "-1")).as("a process that runs (init)").isFalse();
        assertThat(RelayService.deadProcessOfThisHost("another-host.example-" + gone.pid())).isFalse();
        assertThat(RelayService.deadProcessOfThisHost(host + "-not-a-pid")).isFalse();
    }
}
