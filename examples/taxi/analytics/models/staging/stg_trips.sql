with raw_trips as (
    select * from {{ source('raw_taxis', 'trips') }}
)

select
    vendor_id,
    pickup_zone_id,
    dropoff_zone_id,
    rate_code_id,
    payment_type,
    pickup_datetime,
    dropoff_datetime,
    passenger_count,
    trip_distance,
    fare_amount,
    total_amount,
    partition_date
from raw_trips
where pickup_datetime is not null
