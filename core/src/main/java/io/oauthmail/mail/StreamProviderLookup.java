package io.oauthmail.mail;

/**
 * Jakarta Mail 2.1 asks for its {@code StreamProvider} every time it builds a header block, a body part, a
 * multipart or an encoder, and each ask runs a {@code ServiceLoader} over every jar on the class path (32 jar
 * reads per message, seen with strace; it held a one-connection sender to ~85 messages/s against Python
 * smtplib's ~155). Naming the provider in the system property that jakarta.mail's FactoryFinder checks first
 * turns each ask into a class lookup. A name the user set already wins; nothing is set when Angus Mail (the
 * implementation oauthmail is built and tested with) is not on the class path.
 */
final class StreamProviderLookup {

    static final String PROPERTY = "jakarta.mail.util.StreamProvider";
    static final String ANGUS = "org.eclipse.angus.mail.util.MailStreamProvider";

    private StreamProviderLookup() {
    }

    static void skipServiceScan() {
        if (System.getProperty(PROPERTY) != null) {
            return;
        }
        try {
            Class.forName(ANGUS, false, StreamProviderLookup.class.getClassLoader());
            System.getProperties().putIfAbsent(PROPERTY, ANGUS);
        } catch (ClassNotFoundException | LinkageError absent) {
            // another Jakarta Mail implementation: leave its lookup as it is
        }
    }
}
