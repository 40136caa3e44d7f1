package io.oauthmail.cli;

import picocli.CommandLine;

/** The version printed by {@code oauthmail --version}: the jar's, as Maven built it. */
final class Version implements CommandLine.IVersionProvider {

    @Override
    public String[] getVersion() {
        String version = Version.class.getPackage().getImplementationVersion();
        return new String[] {"oauthmail " + (version != null ? version : "(development build)")};
    }
}
