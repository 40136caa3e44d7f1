package io.oauthmail.cli;

import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;

/** One command line run in this JVM, as a script would see it: exit code, stdout, stderr. */
record CliRun(int exit, String out, String err) {

    static CliRun of(Map<String, String> env, InputStream in, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = OAuthMailCli.run(args, new PrintWriter(out, true), new PrintWriter(err, true), in, env);
        return new CliRun(exit, out.toString(), err.toString());
    }
}
