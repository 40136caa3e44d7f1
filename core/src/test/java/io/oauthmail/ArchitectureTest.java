package io.oauthmail;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The layering of ../shared/docs/design.md, kept by a test: core's packages have no cycles, and each package
 * uses only those below it (cli/server, then mail, sasl, token, oauth and store, then account and provider; the
 * errors are a leaf every layer may throw). {@code io.oauthmail} itself holds only {@link OAuthMail}, the
 * library's front door, which may use everything.
 */
class ArchitectureTest {

    private static final String ROOT = "io.oauthmail";
    /** Each package and the packages (besides itself and the errors) it may use. */
    private static final Map<String, List<String>> ALLOWED = new LinkedHashMap<>();

    static {
        ALLOWED.put("error", List.of());
        ALLOWED.put("provider", List.of());
        ALLOWED.put("account", List.of("provider"));
        ALLOWED.put("store", List.of("account"));
        ALLOWED.put("oauth", List.of("account", "provider"));
        ALLOWED.put("token", List.of("oauth", "store", "account", "provider"));
        ALLOWED.put("sasl", List.of());
        ALLOWED.put("mail", List.of("sasl", "token", "account", "provider"));
        ALLOWED.put("mail.rest", List.of("mail", "sasl", "token", "oauth", "store", "account", "provider"));
        // connecting accounts from a web application: its logins, the store, and the refresher's verdict
        ALLOWED.put("web", List.of("token", "oauth", "store", "account", "provider"));
        ALLOWED.put("config", List.of("token", "store", "oauth", "account", "provider"));
        // the composition root: builds the parts below from a user's environment, for the CLI, the daemon, OAuthMail
        ALLOWED.put("runtime", List.of("config", "mail", "mail.rest", "sasl", "token", "oauth", "store", "account", "provider"));
    }

    private static JavaClasses core;

    @BeforeAll
    static void importCore() {
        core = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages(ROOT);
    }

    @Test
    void corePackagesHaveNoCycles() {
        slices().matching("io.oauthmail.(**)").should().beFreeOfCycles().check(core);
    }

    @Test
    void everyPackageUsesOnlyThoseBelowIt() {
        for (Map.Entry<String, List<String>> entry : ALLOWED.entrySet()) {
            List<String> forbidden = new ArrayList<>();
            forbidden.add(ROOT); // OAuthMail: the top, used by no one inside
            for (String other : ALLOWED.keySet()) {
                boolean below = entry.getValue().contains(other) || other.equals("error");
                boolean self = other.equals(entry.getKey()) || other.startsWith(entry.getKey() + ".");
                if (!below && !self) {
                    forbidden.add(ROOT + "." + other);
                }
            }
            noClasses().that().resideInAPackage(ROOT + "." + entry.getKey())
                    .should().dependOnClassesThat().resideInAnyPackage(forbidden.toArray(String[]::new))
                    .because(entry.getKey() + " may use only " + entry.getValue() + " and the errors (design.md's layers)")
                    .check(core);
        }
    }
}
