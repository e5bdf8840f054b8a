package dev.datamix.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.datamix.mixture.Domain;
import dev.datamix.state.Json;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each built-in policy declares whether a resumed run may be given another number of steps. */
class HorizonTest {
  static final List<Domain> DOMAINS = List.of(new Domain("a", 1000, 64_000),
      new Domain("b", 3000, 192_000));
  static final PolicyContext CONTEXT = new PolicyContext(DOMAINS, 1, 100, 8);

  private static Horizon of(String spec) {
    return PolicyRegistry.load().create(CONTEXT, Json.parse(spec)).horizon();
  }

  @Test
  void policiesThatNeverReadThePlannedStepsAreExtendable() {
    for (String spec : List.of("{\"policy\": \"uniform\"}", "{\"policy\": \"proportional\"}",
        "{\"policy\": \"temperature\", \"config\": {\"temperature\": 2}}",
        "{\"policy\": \"explicit\", \"config\": {\"weights\": {\"a\": 1, \"b\": 3}}}",
        "{\"policy\": \"importance\", \"config\": {\"scores\": {\"a\": 1, \"b\": 2}}}",
        "{\"policy\": \"piecewise\", \"config\": {\"segments\": [{\"startStep\": 0, "
            + "\"weights\": {\"a\": 1, \"b\": 1}}]}}",
        "{\"policy\": \"dga\"}", "{\"policy\": \"lfr\"}",
        "{\"policy\": \"continual\", \"config\": {\"phases\": [{\"domains\": [\"a\"], "
            + "\"steps\": 50}, {\"domains\": [\"b\"], \"steps\": 50, \"replay\": 0.1}]}}",
        "{\"policy\": \"velocitune\", \"config\": {\"targetLosses\": {\"a\": 2, \"b\": 2}}}")) {
      assertTrue(of(spec).extendable(), spec);
    }
  }

  @Test
  void velocituneWithFitsAndAnImplicitTokenBudgetIsNotExtendable() {
    String fits = "\"fits\": {\"a\": {\"irreducible\": 1.5, \"amplitude\": 20, \"exponent\": "
        + "0.3}, \"b\": {\"irreducible\": 1.2, \"amplitude\": 30, \"exponent\": 0.3}}";
    Horizon h = of("{\"policy\": \"velocitune\", \"config\": {" + fits + "}}");
    assertFalse(h.extendable());
    assertEquals(List.of("tokenBudget"), h.keys());
    assertTrue(h.reason().contains("set tokenBudget explicitly"), h.reason());
    assertTrue(of("{\"policy\": \"velocitune\", \"config\": {" + fits
        + ", \"tokenBudget\": 1e6}}").extendable());
  }

  @Test
  void lfrIsExtendableOnlyIfItsDomainPolicyIs() {
    assertTrue(of("{\"policy\": \"lfr\", \"config\": {\"domainPolicy\": "
        + "{\"policy\": \"uniform\"}}}").extendable());
  }

  @Test
  void aPolicyThatDeclaresNothingIsNotExtendable() {
    Horizon h = Horizon.undeclared("mine");
    assertFalse(h.extendable());
    assertTrue(h.reason().contains("policy 'mine' does not declare"), h.reason());
  }
}
