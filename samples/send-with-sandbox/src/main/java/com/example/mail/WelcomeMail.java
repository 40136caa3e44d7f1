package com.example.mail;

import io.oauthmail.OAuthMail;
import io.oauthmail.mail.Email;

/**
 * Sends a welcome message from {@code account}, one of the accounts {@code mail} knows: the part of an
 * application that uses oauthmail.
 */
public record WelcomeMail(OAuthMail mail, String account) {

    static final String SUBJECT = "Welcome aboard";

    /** Sends the welcome to {@code address}; returns its Message-ID. */
    public String sendTo(String address) {
        return mail.send(account, Email.to(address)
                .subject(SUBJECT)
                .html("<p>Hello, and <b>welcome</b>.</p>"));
    }

    /**
     * With a real account, set up by {@code oauthmail accounts add} and {@code oauthmail login}:
     * {@code java com.example.mail.WelcomeMail ACCOUNT ADDRESS}.
     */
    public static void main(String[] args) {
        if (args.length != 2) {
            System.err.println("usage: WelcomeMail ACCOUNT ADDRESS");
            System.exit(2);
        }
        try (OAuthMail mail = OAuthMail.fromConfig()) {
            System.out.println("sent " + new WelcomeMail(mail, args[0]).sendTo(args[1]));
        }
    }
}
