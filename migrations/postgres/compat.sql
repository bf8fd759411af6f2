-- SQLite's functions that Fabrique's SQL calls, written for PostgreSQL so that one query text runs
-- on both engines. Applied before the numbered migrations at every start (CREATE OR REPLACE: it
-- has no number and is never recorded in schema_migrations). Each function answers what SQLite
-- answers for the inputs the app gives it (test/foundation/sqlite-compat.test.ts compares them);
-- where PostgreSQL's types force a difference, the comment above the function says which.

-- The instant SQLite's date functions start from, as a UTC timestamp at millisecond precision (what
-- SQLite keeps), then moved by SQLite's modifiers. NULL for what SQLite does not understand, as SQLite.
-- 'now' is the statement's time: SQLite also reads the clock once per statement.
CREATE OR REPLACE FUNCTION sqlite_time(timestring text, modifiers text[]) RETURNS timestamp
LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
DECLARE
  t timestamp;
  m text[];
  modifier text;
  amount numeric;
  unit text;
  months integer;
  -- SQLite keeps the date's fields as read until a modifier moves the instant: a month added to
  -- 02-31 makes 03-31, not 04-03. ymd holds them until then.
  ymd integer[];
BEGIN
  IF timestring IS NULL THEN RETURN NULL; END IF;
  timestring := btrim(timestring);
  IF lower(timestring) = 'now' THEN
    t := date_trunc('milliseconds', statement_timestamp() AT TIME ZONE 'UTC');
  ELSIF timestring ~ '^[+-]?[0-9]+(\.[0-9]*)?$' THEN
    IF cardinality(modifiers) > 0 AND lower(btrim(modifiers[1])) = 'unixepoch' THEN
      t := timestamp '1970-01-01' + make_interval(secs => timestring::numeric::double precision);
      modifiers := modifiers[2:];
    ELSE
      -- A Julian day number (SQLite's own unit): day 2440587.5 is 1970-01-01 00:00 UTC.
      t := timestamp '1970-01-01' + make_interval(secs => ((timestring::numeric - 2440587.5) * 86400)::double precision);
    END IF;
    t := date_trunc('milliseconds', t + interval '0.0005 seconds');
  ELSE
    m := regexp_match(timestring,
      '^([0-9]{4})-([0-9]{2})-([0-9]{2})(?:[ T]([0-9]{2}):([0-9]{2})(?::([0-9]{2})(\.[0-9]*)?)?)?\s*(Z|z|[+-][0-9]{2}:?[0-9]{2})?$');
    IF m IS NULL THEN
      m := regexp_match(timestring, '^()()()([0-9]{2}):([0-9]{2})(?::([0-9]{2})(\.[0-9]*)?)?\s*(Z|z|[+-][0-9]{2}:?[0-9]{2})?$');
      IF m IS NULL THEN RETURN NULL; END IF;
      m[1] := '2000'; m[2] := '01'; m[3] := '01';
    END IF;
    IF m[2]::int NOT BETWEEN 1 AND 12 OR m[3]::int NOT BETWEEN 1 AND 31 OR coalesce(m[4]::int, 0) > 24
       OR coalesce(m[5]::int, 0) > 59 OR coalesce(m[6]::int, 0) > 59 THEN
      RETURN NULL;
    END IF;
    -- SQLite carries an impossible day over (02-31 is 03-03 or 03-02), where make_date would refuse it.
    ymd := ARRAY[m[1]::int, m[2]::int, m[3]::int];
    t := make_date(m[1]::int, m[2]::int, 1) + (m[3]::int - 1)
         + make_interval(hours => coalesce(m[4]::int, 0), mins => coalesce(m[5]::int, 0),
                         secs => (coalesce(m[6], '0') || coalesce(nullif(m[7], '.'), ''))::double precision);
    t := date_trunc('milliseconds', t + interval '0.0005 seconds');
    IF m[8] IS NOT NULL AND upper(m[8]) <> 'Z' THEN
      m[8] := replace(m[8], ':', '');
      t := t - (CASE WHEN left(m[8], 1) = '-' THEN -1 ELSE 1 END)
               * make_interval(hours => substr(m[8], 2, 2)::int, mins => substr(m[8], 4, 2)::int);
      ymd := NULL;
    END IF;
  END IF;
  FOREACH modifier IN ARRAY coalesce(modifiers, '{}') LOOP
    IF modifier IS NULL THEN RETURN NULL; END IF;
    modifier := lower(btrim(modifier));
    m := regexp_match(modifier, '^([+-]?[0-9]+(?:\.[0-9]*)?|[+-]?\.[0-9]+)\s*(day|hour|minute|second|month|year)s?$');
    IF m IS NOT NULL THEN
      amount := m[1]::numeric;
      unit := m[2];
      IF unit IN ('month', 'year') THEN
        -- SQLite moves the month number and carries an impossible day over; a fraction is dropped.
        months := trunc(amount)::int * (CASE WHEN unit = 'year' THEN 12 ELSE 1 END);
        ymd := coalesce(ymd, ARRAY[extract(year FROM t)::int, extract(month FROM t)::int, extract(day FROM t)::int]);
        months := ymd[1] * 12 + ymd[2] - 1 + months;
        ymd[1] := months / 12 - (CASE WHEN months < 0 AND months % 12 <> 0 THEN 1 ELSE 0 END);
        ymd[2] := ((months % 12) + 12) % 12 + 1;
        t := make_date(ymd[1], ymd[2], 1) + (ymd[3] - 1) + (t - date_trunc('day', t));
        ymd := NULL;
      ELSE
        t := t + make_interval(secs => (amount * CASE unit WHEN 'day' THEN 86400 WHEN 'hour' THEN 3600
                                                          WHEN 'minute' THEN 60 ELSE 1 END)::double precision);
        t := date_trunc('milliseconds', t + interval '0.0005 seconds');
        ymd := NULL;
      END IF;
    ELSIF modifier = 'start of day' THEN
      t := date_trunc('day', t);
      ymd := NULL;
    ELSIF modifier = 'start of month' THEN
      t := date_trunc('month', t);
      ymd := NULL;
    ELSIF modifier = 'start of year' THEN
      t := date_trunc('year', t);
      ymd := NULL;
    ELSIF modifier ~ '^weekday [0-6]$' THEN
      t := t + ((substr(modifier, 9, 1)::int - extract(dow FROM t)::int + 7) % 7) * interval '1 day';
      ymd := NULL;
    ELSIF modifier = 'utc' THEN
      -- Fabrique's times are UTC already: SQLite's 'utc' on a UTC process changes nothing either.
      NULL;
    ELSE
      RETURN NULL;
    END IF;
  END LOOP;
  IF extract(year FROM t) NOT BETWEEN 0 AND 9999 THEN RETURN NULL; END IF;
  RETURN t;
END
$$;

-- SQLite's strftime(format, time, modifier...): %d %f %H %j %m %M %s %S %w %W %Y %%; any other
-- conversion gives NULL, as SQLite.
CREATE OR REPLACE FUNCTION strftime(format text, timestring text, VARIADIC modifiers text[]) RETURNS text
LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
DECLARE
  t timestamp := sqlite_time(timestring, modifiers);
  out text := '';
  i integer := 1;
  c text;
BEGIN
  IF t IS NULL OR format IS NULL THEN RETURN NULL; END IF;
  WHILE i <= length(format) LOOP
    c := substr(format, i, 1);
    IF c <> '%' THEN
      out := out || c;
    ELSE
      i := i + 1;
      c := substr(format, i, 1);
      out := out || CASE c
        WHEN 'd' THEN to_char(t, 'DD')
        WHEN 'f' THEN to_char(t, 'SS.MS')
        WHEN 'H' THEN to_char(t, 'HH24')
        WHEN 'j' THEN to_char(t, 'DDD')
        WHEN 'm' THEN to_char(t, 'MM')
        WHEN 'M' THEN to_char(t, 'MI')
        WHEN 's' THEN floor(extract(epoch FROM t))::bigint::text
        WHEN 'S' THEN to_char(t, 'SS')
        WHEN 'w' THEN extract(dow FROM t)::int::text
        WHEN 'W' THEN lpad(((extract(doy FROM t)::int - 1 + 7 - ((extract(dow FROM t)::int + 6) % 7)) / 7)::text, 2, '0')
        WHEN 'Y' THEN lpad(extract(year FROM t)::int::text, 4, '0')
        WHEN '%' THEN '%'
      END;
      IF out IS NULL THEN RETURN NULL; END IF;
    END IF;
    i := i + 1;
  END LOOP;
  RETURN out;
END
$$;
CREATE OR REPLACE FUNCTION strftime(format text, timestring text) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE AS $$ SELECT strftime(format, timestring, VARIADIC '{}'::text[]) $$;

-- datetime(), date(), time() and unixepoch() are strftime() with SQLite's fixed formats.
CREATE OR REPLACE FUNCTION datetime(timestring text, VARIADIC modifiers text[]) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE AS $$ SELECT strftime('%Y-%m-%d %H:%M:%S', timestring, VARIADIC modifiers) $$;
CREATE OR REPLACE FUNCTION datetime(timestring text) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE AS $$ SELECT strftime('%Y-%m-%d %H:%M:%S', timestring) $$;
CREATE OR REPLACE FUNCTION date(timestring text, VARIADIC modifiers text[]) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE AS $$ SELECT strftime('%Y-%m-%d', timestring, VARIADIC modifiers) $$;
CREATE OR REPLACE FUNCTION date(timestring text) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE AS $$ SELECT strftime('%Y-%m-%d', timestring) $$;
CREATE OR REPLACE FUNCTION unixepoch(timestring text, VARIADIC modifiers text[]) RETURNS bigint
LANGUAGE sql STABLE PARALLEL SAFE AS $$ SELECT strftime('%s', timestring, VARIADIC modifiers)::bigint $$;
CREATE OR REPLACE FUNCTION unixepoch(timestring text) RETURNS bigint
LANGUAGE sql STABLE PARALLEL SAFE AS $$ SELECT strftime('%s', timestring)::bigint $$;

-- SQLite's JSON path ('$', '$.a.b', '$[2]', '$.a[0].b', '$."a b"') as PostgreSQL's path array;
-- NULL when it is not one.
CREATE OR REPLACE FUNCTION sqlite_json_path(path text) RETURNS text[]
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
  rest text;
  parts text[] := '{}';
  m text[];
BEGIN
  IF path IS NULL OR left(path, 1) <> '$' THEN RETURN NULL; END IF;
  rest := substr(path, 2);
  WHILE rest <> '' LOOP
    m := regexp_match(rest, '^\.([^.\[]+)(.*)$');
    IF m IS NOT NULL AND left(m[1], 1) = '"' THEN
      m := regexp_match(rest, '^\."([^"]*)"(.*)$');
    END IF;
    IF m IS NULL THEN
      m := regexp_match(rest, '^\[([0-9]+)\](.*)$');
    END IF;
    IF m IS NULL THEN RETURN NULL; END IF;
    parts := parts || m[1];
    rest := m[2];
  END LOOP;
  RETURN parts;
END
$$;

-- A JSON value as SQLite's JSON functions give it to SQL: a string unquoted, true/false as 1/0, null
-- as NULL, a number and an array or object as their JSON text. PostgreSQL has one type per column:
-- this is always text (compare numbers through CAST(... AS INTEGER), which SQLite accepts too).
CREATE OR REPLACE FUNCTION sqlite_json_atom(v json) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE json_typeof(v)
    WHEN 'string' THEN v #>> '{}'
    WHEN 'boolean' THEN CASE WHEN (v #>> '{}')::boolean THEN '1' ELSE '0' END
    WHEN 'null' THEN NULL
    ELSE btrim(v::text)
  END
$$;

-- SQLite's json type names of a value: null, true, false, integer, real, text, array, object.
CREATE OR REPLACE FUNCTION sqlite_json_type(v json) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE json_typeof(v)
    WHEN 'string' THEN 'text'
    WHEN 'boolean' THEN CASE WHEN (v #>> '{}')::boolean THEN 'true' ELSE 'false' END
    WHEN 'number' THEN CASE WHEN btrim(v::text) ~ '^-?[0-9]+$' THEN 'integer' ELSE 'real' END
    ELSE json_typeof(v)
  END
$$;

-- SQLite's json_each(text): one row per element of an array (key 0, 1...) or member of an object
-- (key the name), or the value itself for a scalar. PostgreSQL's own json_each(json) stays as it is:
-- this one takes text (a bound parameter or a TEXT column). key is text on both kinds (SQLite gives
-- an array's key as an integer); value is text (see sqlite_json_atom); id is the row's position.
CREATE OR REPLACE FUNCTION json_each(document text)
RETURNS TABLE (key text, value text, type text, atom text, id integer, parent integer, fullkey text, path text)
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
  doc json;
BEGIN
  IF document IS NULL THEN RETURN; END IF;
  doc := document::json;
  IF json_typeof(doc) = 'array' THEN
    RETURN QUERY
      SELECT (e.n - 1)::text, sqlite_json_atom(e.v), sqlite_json_type(e.v),
             CASE WHEN json_typeof(e.v) IN ('array', 'object') THEN NULL ELSE sqlite_json_atom(e.v) END,
             e.n::integer, NULL::integer, '$[' || (e.n - 1) || ']', '$'
        FROM json_array_elements(doc) WITH ORDINALITY AS e (v, n);
  ELSIF json_typeof(doc) = 'object' THEN
    RETURN QUERY
      SELECT e.k, sqlite_json_atom(e.v), sqlite_json_type(e.v),
             CASE WHEN json_typeof(e.v) IN ('array', 'object') THEN NULL ELSE sqlite_json_atom(e.v) END,
             e.n::integer, NULL::integer,
             -- SQLite quotes a key unless it is a letter then letters and digits, in JSON's escapes.
             '$.' || CASE WHEN e.k ~ '^[A-Za-z][A-Za-z0-9]*$' THEN e.k ELSE to_json(e.k)::text END, '$'
        FROM pg_catalog.json_each(doc) WITH ORDINALITY AS e (k, v, n);
  ELSE
    RETURN QUERY SELECT NULL::text, sqlite_json_atom(doc), sqlite_json_type(doc), sqlite_json_atom(doc), 0, NULL::integer, '$', '$';
  END IF;
END
$$;

-- SQLite's json_extract(json, path): the value at path (see sqlite_json_atom), NULL when absent.
CREATE OR REPLACE FUNCTION json_extract(document text, path text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT sqlite_json_atom(document::json #> sqlite_json_path(path))
$$;

-- SQLite's json_valid(text). PostgreSQL's WHERE needs a boolean where SQLite's takes 0/1: it is a
-- boolean here (the app only tests it in WHERE).
CREATE OR REPLACE FUNCTION json_valid(document text) RETURNS boolean
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
BEGIN
  IF document IS NULL THEN RETURN NULL; END IF;
  PERFORM document::json;
  RETURN true;
EXCEPTION WHEN others THEN
  RETURN false;
END
$$;

-- SQLite's json_array_length(json [, path]): 0 for a value that is not an array, NULL for no value.
CREATE OR REPLACE FUNCTION json_array_length(document text, path text) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN v IS NULL THEN NULL WHEN json_typeof(v) = 'array' THEN pg_catalog.json_array_length(v) ELSE 0 END
    FROM (SELECT document::json #> sqlite_json_path(path) AS v) x
$$;
CREATE OR REPLACE FUNCTION json_array_length(document text) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT json_array_length(document, '$') $$;

-- SQLite's json_set(json, path, value) for a text or a number value: the document with the value
-- at path, the objects on the way made as SQLite makes them. PostgreSQL writes the result through
-- jsonb: members come out in jsonb's order and spacing (the same JSON value, another text).
CREATE OR REPLACE FUNCTION sqlite_json_set(document text, path text, value jsonb) RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
  doc jsonb;
  parts text[] := sqlite_json_path(path);
  i integer;
BEGIN
  IF document IS NULL THEN RETURN NULL; END IF;
  doc := document::jsonb;
  IF parts IS NULL THEN RAISE EXCEPTION 'bad JSON path: %', path; END IF;
  IF cardinality(parts) = 0 THEN RETURN value::text; END IF;
  FOR i IN 1 .. cardinality(parts) - 1 LOOP
    IF doc #> parts[1:i] IS NULL AND jsonb_typeof(doc #> parts[1:i - 1]) = 'object' THEN
      doc := jsonb_set(doc, parts[1:i], '{}'::jsonb, true);
    END IF;
  END LOOP;
  RETURN jsonb_set(doc, parts, coalesce(value, 'null'::jsonb), true)::text;
END
$$;
CREATE OR REPLACE FUNCTION json_set(document text, path text, value text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT sqlite_json_set(document, path, to_jsonb(value)) $$;
CREATE OR REPLACE FUNCTION json_set(document text, path text, value numeric) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT sqlite_json_set(document, path, to_jsonb(value)) $$;

-- SQLite's scalar max(a, b...) and min(a, b...): NULL as soon as one argument is NULL (greatest()
-- and least() skip NULLs). PostgreSQL's max(x) and min(x) aggregates keep their one-argument form.
CREATE OR REPLACE FUNCTION max(a anycompatible, b anycompatible) RETURNS anycompatible
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT CASE WHEN a IS NULL OR b IS NULL THEN NULL ELSE greatest(a, b) END $$;
CREATE OR REPLACE FUNCTION max(a anycompatible, b anycompatible, c anycompatible) RETURNS anycompatible
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT CASE WHEN a IS NULL OR b IS NULL OR c IS NULL THEN NULL ELSE greatest(a, b, c) END $$;
CREATE OR REPLACE FUNCTION min(a anycompatible, b anycompatible) RETURNS anycompatible
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT CASE WHEN a IS NULL OR b IS NULL THEN NULL ELSE least(a, b) END $$;
CREATE OR REPLACE FUNCTION min(a anycompatible, b anycompatible, c anycompatible) RETURNS anycompatible
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT CASE WHEN a IS NULL OR b IS NULL OR c IS NULL THEN NULL ELSE least(a, b, c) END $$;

-- SQLite's ifnull(a, b), iif(condition, a, b) and instr(haystack, needle) (1-based, 0 when absent).
CREATE OR REPLACE FUNCTION ifnull(a anycompatible, b anycompatible) RETURNS anycompatible
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT coalesce(a, b) $$;
CREATE OR REPLACE FUNCTION iif(condition boolean, a anycompatible, b anycompatible) RETURNS anycompatible
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT CASE WHEN condition THEN a ELSE b END $$;
CREATE OR REPLACE FUNCTION instr(haystack text, needle text) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT strpos(haystack, needle) $$;
