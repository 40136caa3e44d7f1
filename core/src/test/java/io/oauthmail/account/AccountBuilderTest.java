package io.oauthmail.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.oauthmail.provider.Providers;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class AccountBuilderTest {

    @Test
    void buildsWhatTheConstructorWould() {
        Account built = Account.builder("me@gmail.com", Providers.google()).clientId("id").clientSecret("s")
                .caFile(Path.of("/etc/ca.pem")).sasl("OAUTHBEARER").build();
        assertThat(built).isEqualTo(new Account("me@gmail.com", "me@gmail.com", Providers.google(), "id", "s",
                List.of(), Path.of("/etc/ca.pem"), null, "OAUTHBEARER"));
        assertThat(built.scopes()).as("the provider's by default").isEqualTo(Providers.google().scopes());
        assertThat(built.saslMechanisms()).containsExactly("OAUTHBEARER");
    }

    @Test
    void aNameThatIsNotAnAddressHasNoAddressUntilGivenOne() {
        Account work = Account.builder("work", Providers.microsoft("common")).clientId("id").build();
        assertThat(work.hasAddress()).isFalse();
        Account withAddress = Account.builder("work", Providers.microsoft("common")).clientId("id")
                .email("me@example.com").scopes("openid", "offline_access").build();
        assertThat(withAddress.mailUser()).isEqualTo("me@example.com");
        assertThat(withAddress.scopes()).containsExactly("openid", "offline_access");
    }

    @Test
    void theClientIdIsRequiredAndTheSecretNeverPrinted() {
        assertThatThrownBy(() -> Account.builder("me@gmail.com", Providers.google()).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("clientId(");
        Account account = Account.builder("me@gmail.com", Providers.google()).clientId("id").clientSecret("hunter2").build();
        assertThat(account.toString()).doesNotContain("hunter2");
    }
}
