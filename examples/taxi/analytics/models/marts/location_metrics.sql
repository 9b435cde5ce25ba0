with trips as (
    select * from {{ ref('stg_trips') }}
),

zones as (
    select * from {{ ref('stg_zones') }}
)

select
    zones.zone_name,
    zones.borough,
    zones.is_airport,
    count(*) as trip_count,
    sum(trips.total_amount) as total_revenue,
    avg(trips.trip_distance) as average_distance
from trips
left join zones on trips.pickup_zone_id = zones.zone_id
group by 1, 2, 3
