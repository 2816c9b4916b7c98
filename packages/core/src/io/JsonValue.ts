/**
 * A JSON value as {@link saveTensors} stores it in metadata: finite numbers, strings, booleans, null, arrays and
 * plain objects.
 *
 * @example
 * const metadata: JsonObject = { step: 1000, config: { sde: 'vp', betas: [0.1, 20] }, resumedFrom: null };
 */
export type JsonValue = null | boolean | number | string | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/** A JSON object: the shape of tensor-file metadata. */
export type JsonObject = { readonly [key: string]: JsonValue };
