-- Customer search whose cost follows the page, not the partner's reach (issue 12, point 3).
-- Measured at 1,000,000 customers in one partner's reach (docs/reads.md): a common word whose
-- matches cluster in name order cost 0.7-2 s, any 1-2 character word 1.4 s (the trigram
-- index cannot serve a word under three characters, so the planner scanned all of it).
--
-- The reach's name-order index carries the search text: walking a partner's customers in
-- (sort_name, customer_id) order and testing every word is an index-only scan, whose cost
-- follows the page size over the density of matches (search.py says when it walks).
CREATE INDEX partner_customers_in_order_searchable ON partner_customers
    (partner_id, sort_name, customer_id) INCLUDE (search);
DROP INDEX partner_customers_in_order;

-- Search reads the reach's copies only: the customers' own search indexes were written on
-- every registration and read by nothing.
DROP INDEX customers_search_trgm;
DROP INDEX customers_by_sort_name;
