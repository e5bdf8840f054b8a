/**
 * The gradient-boosted-trees regressor of the offline mixing-law family, through XGBoost4J: the
 * peer of RegMix's LightGBM (Liu et al., ICLR 2025, arXiv 2407.01492).
 */
package dev.datamix.xgboost;
