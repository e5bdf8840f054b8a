package dev.datamix.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.datamix.mixture.Domain;
import dev.datamix.policy.MixingPolicyProvider;
import dev.datamix.policy.PolicyContext;
import dev.datamix.policy.PolicyRegistry;
import dev.datamix.testkit.SampleConfigs;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.annotations.Param;

class SampleConfigsTest {
  @Test
  void everyRegisteredPolicyHasASampleConfigAndIsInThePolicyBenchmark() throws Exception {
    List<Domain> d = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      d.add(new Domain("d" + i, 10, 10));
    }
    PolicyContext context = PolicyContext.of(d, 1);
    PolicyRegistry registry = PolicyRegistry.load();
    for (MixingPolicyProvider p : registry.providers()) {
      registry.create(p.name(), context, SampleConfigs.forPolicy(p, context.domainNames()))
          .mixture(0);
    }
    Param param = PolicyDecisionBenchmark.class.getField("policy").getAnnotation(Param.class);
    assertEquals(registry.names(), Arrays.stream(param.value()).sorted().toList(),
        "PolicyDecisionBenchmark must list every registered policy");
    assertTrue(registry.names().contains("uniform"));
  }
}
