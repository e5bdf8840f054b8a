/**
 * ODM, online data mixing (Albalak et al., 2023, arXiv 2312.02406): EXP3 over domains, rewarded
 * with each domain's smoothed, importance-weighted training loss.
 */
package dev.datamix.odm;
