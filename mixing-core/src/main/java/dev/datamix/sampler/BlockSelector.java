package dev.datamix.sampler;

/** Answers the current {@link BlockSelection} of a domain; {@code MixingPolicy} implements it. */
@FunctionalInterface
public interface BlockSelector {
  /** The selection in force for the domain at index {@code domain}. */
  BlockSelection blockSelection(int domain);
}
