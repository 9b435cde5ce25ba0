{{
    config(
        materialized='incremental',
        unique_key='date_of_business'
    )
}}

with trips as (
    select * from {{ ref('stg_trips') }}
)

select
    date_trunc('day', pickup_datetime) as date_of_business,
    count(*) as trip_count,
    sum(trip_distance) as total_distance,
    sum(total_amount) as total_revenue,
    avg(total_amount) as average_fare
from trips
{% if is_incremental() %}
where pickup_datetime >= '{{ var("min_date") }}' and pickup_datetime < '{{ var("max_date") }}'
{% endif %}
group by 1
