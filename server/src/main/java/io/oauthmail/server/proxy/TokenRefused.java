package io.oauthmail.server.proxy;

import java.io.IOException;

/** The real server refused the token; the message says why in words (decoded from its challenge where it sent one). */
final class TokenRefused extends IOException {

    private static final long serialVersionUID = 1L;

    TokenRefused(String diagnosis) {
        super(diagnosis);
    }
}
