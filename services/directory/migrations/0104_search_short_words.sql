-- Words of one or two characters in a customer search (issue 12, point 3). Trigrams cannot
-- serve them, so a rare short word ("qz") walked the partner's whole reach in name order:
-- 25 ms at 100,000 customers, 250 ms at a million. Every character and every pair of
-- adjacent characters of the search text, in a GIN index, finds the matches directly: for such
-- a word, containing it is exactly having it among these, so the cost follows the matches.
-- (GIN removes the repeats itself. This form costs about 30 us a row to compute; one with
-- DISTINCT over both widths cost 70.)
CREATE FUNCTION search_grams(t text) RETURNS text[]
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN string_to_array(t, NULL)
    || ARRAY(SELECT substr(t, i, 2) FROM generate_series(1, length(t) - 1) AS i);
CREATE INDEX partner_customers_search_grams ON partner_customers USING gin (search_grams(search));
