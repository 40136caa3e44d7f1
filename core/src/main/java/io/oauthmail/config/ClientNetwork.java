package io.oauthmail.config;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** Checks the relay's {@code allow_unauthenticated} entries: an IP address, or {@code ADDRESS/BITS}. */
final class ClientNetwork {

    private ClientNetwork() {
    }

    static boolean valid(String network) {
        int slash = network.indexOf('/');
        String address = slash < 0 ? network : network.substring(0, slash);
        // Only literals: a host name would be looked up (DNS at config time, and a name is no network).
        if (address.isEmpty() || !address.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == '.' || c == ':')) {
            return false;
        }
        try {
            InetAddress parsed = InetAddress.getByName(address);
            if (slash < 0) {
                return true;
            }
            int bits = Integer.parseInt(network.substring(slash + 1));
            return bits >= 0 && bits <= (parsed instanceof Inet4Address ? 32 : 128);
        } catch (UnknownHostException | NumberFormatException e) {
            return false;
        }
    }
}
