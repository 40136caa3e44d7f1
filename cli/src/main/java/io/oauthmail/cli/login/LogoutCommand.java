package io.oauthmail.cli.login;

import com.nimbusds.oauth2.sdk.TokenRevocationRequest;
import com.nimbusds.oauth2.sdk.auth.ClientSecretPost;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.token.AccessToken;
import com.nimbusds.oauth2.sdk.token.BearerAccessToken;
import com.nimbusds.oauth2.sdk.token.RefreshToken;
import com.nimbusds.oauth2.sdk.token.Token;
import io.oauthmail.account.Account;
import io.oauthmail.cli.CliContext;
import io.oauthmail.cli.ExitCodes;
import io.oauthmail.cli.HelpText;
import io.oauthmail.cli.OAuthMailCli;
import io.oauthmail.config.AccountResolver;
import io.oauthmail.store.AccountKeys;
import io.oauthmail.account.TokenSet;
import java.io.IOException;
import java.net.URI;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code oauthmail logout ACCOUNT}: revokes the grant at the provider where it has a revocation endpoint
 * (RFC 7009; Google), then deletes the stored tokens. The account stays in the config for the next login.
 */
@Command(name = "logout", mixinStandardHelpOptions = true,
        description = "Revoke the account's grant at the provider where possible, then delete its stored tokens.",
        footerHeading = HelpText.EXAMPLES,
        footer = {"  oauthmail logout me@gmail.com"})
public final class LogoutCommand implements Callable<Integer> {

    @ParentCommand
    OAuthMailCli root;

    @Parameters(paramLabel = "ACCOUNT", description = HelpText.ACCOUNT)
    String name;

    @Override
    public Integer call() {
        CliContext context = root.context();
        Account account = AccountResolver.withSecret(context.account(name));
        Optional<TokenSet> tokens = context.store().load(name);
        if (tokens.isEmpty()) {
            context.err().println("account " + name + " was not logged in; nothing to revoke or delete");
            return ExitCodes.OK;
        }
        Optional<URI> endpoint = account.provider().endpoints().revocationEndpoint();
        if (endpoint.isEmpty()) {
            context.err().println(account.provider().name() + " has no revocation endpoint; the grant stays valid until it "
                    + "expires or you remove the app's access in your account's security settings");
        } else {
            String problem = revoke(account, endpoint.get(), tokens.get());
            context.err().println(problem == null ? "revoked the grant at " + endpoint.get().getHost()
                    : "could not revoke at " + endpoint.get().getHost() + " (" + problem + "); the tokens are deleted here "
                            + "anyway; remove the app's access in your account's security settings to be sure");
        }
        AccountKeys.deleteAll(context.store(), name); // its tokens, and the Graph token kept beside them
        context.err().println("deleted the stored tokens of " + name);
        return ExitCodes.OK;
    }

    /** Revokes the refresh token (which takes the access tokens with it), else the access token; null if done. */
    private static String revoke(Account account, URI endpoint, TokenSet tokens) {
        Token token = tokens.refreshToken() != null ? new RefreshToken(tokens.refreshToken())
                : (AccessToken) new BearerAccessToken(tokens.accessToken());
        TokenRevocationRequest request = account.secret()
                .map(secret -> new TokenRevocationRequest(endpoint, new ClientSecretPost(new ClientID(account.clientId()),
                        new Secret(secret)), token))
                .orElseGet(() -> new TokenRevocationRequest(endpoint, new ClientID(account.clientId()), token));
        HTTPRequest http = request.toHTTPRequest();
        http.setConnectTimeout(15_000);
        http.setReadTimeout(15_000);
        try {
            HTTPResponse response = http.send();
            return response.indicatesSuccess() ? null : "HTTP " + response.getStatusCode();
        } catch (IOException e) {
            return e.getClass().getSimpleName() + (e.getMessage() != null ? ": " + e.getMessage() : "");
        }
    }
}
