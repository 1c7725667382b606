/** The typed arrays a Dataset stores (shared by the dataset, its normalization and statistics). */

/** Storage for features: bytes (images), floats, or integer tokens. */
export type FeatureArray = Float32Array | Uint8Array | Int32Array;
/** Storage for targets: floats (regression) or integer labels (classification, sequences). */
export type TargetArray = Float32Array | Uint8Array | Int32Array;
