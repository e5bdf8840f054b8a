/**
 * Fine-grained domains from unlabelled data: blocks clustered by spherical k-means over hashed
 * bigram features into a new prepared corpus whose domains are the clusters ({@code datamix
 * cluster}), resumably.
 */
package dev.datamix.corpus.cluster;
