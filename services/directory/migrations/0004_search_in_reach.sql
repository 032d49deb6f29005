-- Search within a partner's reach without joining per row: the reach carries copies of the
-- customer's sort key and search text, indexed per partner in name order and by trigrams.
-- Triggers keep the copies in step with customers (the only writer of those fields).
ALTER TABLE partner_customers ADD COLUMN sort_name text, ADD COLUMN search text;
UPDATE partner_customers r SET sort_name = c.sort_name, search = c.search
    FROM customers c WHERE c.customer_id = r.customer_id;
ALTER TABLE partner_customers ALTER COLUMN sort_name SET NOT NULL,
                              ALTER COLUMN search SET NOT NULL;
CREATE INDEX partner_customers_in_order ON partner_customers (partner_id, sort_name, customer_id);
CREATE INDEX partner_customers_search_trgm ON partner_customers
    USING gin (search public.gin_trgm_ops);

CREATE FUNCTION partner_customers_copy() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    SELECT c.sort_name, c.search INTO NEW.sort_name, NEW.search
        FROM customers c WHERE c.customer_id = NEW.customer_id;
    RETURN NEW;
END $$;
CREATE TRIGGER partner_customers_copy BEFORE INSERT ON partner_customers
    FOR EACH ROW EXECUTE FUNCTION partner_customers_copy();

CREATE FUNCTION customers_propagate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE partner_customers SET sort_name = NEW.sort_name, search = NEW.search
        WHERE customer_id = NEW.customer_id;
    RETURN NULL;
END $$;
CREATE TRIGGER customers_propagate AFTER UPDATE OF name, domain, contact_email ON customers
    FOR EACH ROW EXECUTE FUNCTION customers_propagate();
